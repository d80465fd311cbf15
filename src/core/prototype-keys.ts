// Every key of Object.prototype ("constructor", "__proto__", "toString"…), listed once at load. The
// engine refuses an id that names one (its records are plain objects). A Set probe, where
// `id in Object.prototype` with a fresh id string (every call id) went to the runtime each time:
// 4 % of the twin's year in a CPU profile. Keys added to Object.prototype later (pollution) are not
// listed: this guards against ids, not against a polluted realm.
const KEYS: ReadonlySet<string> = new Set(Object.getOwnPropertyNames(Object.prototype));

/** Whether `id` names a member of Object.prototype. */
export const namesPrototypeMember = (id: string): boolean => KEYS.has(id);
