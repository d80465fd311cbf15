// From seats to people: absenteeism and full-time posts (ETP, "équivalents temps plein").

/**
 * ASSUMPTION (labelled, configurable): hours worked per full-time post per year. 1,607 h is the
 * French legal annual working time of a full-time job (35 h a week over the year, the "journée de
 * solidarité" included), already net of paid leave and public holidays. Local agreements (night
 * work, hospital rules) may give a different figure: pass it in.
 */
export const DEFAULT_HOURS_PER_POST = 1607;

/** Hours in a (non-leap) year of 24/7 cover. */
export const HOURS_PER_YEAR = 8760;

export function validateAbsenteeism(absenteeism: number): void {
  if (!Number.isFinite(absenteeism) || absenteeism < 0 || absenteeism >= 1) {
    throw new RangeError(`absenteeism must be a share in [0, 1), got ${absenteeism}`);
  }
}

export function validateHoursPerPost(hours: number): void {
  if (!Number.isFinite(hours) || hours <= 0 || hours > HOURS_PER_YEAR) {
    throw new RangeError(`hours per post must be in (0, ${HOURS_PER_YEAR}], got ${hours}`);
  }
}

/**
 * People to put on the roster so that `seats` are actually filled, when a share `absenteeism` of
 * rostered time is lost (sickness, training, …): ceil(seats / (1 − absenteeism)).
 */
export function rosteredAgents(seats: number, absenteeism: number): number {
  validateAbsenteeism(absenteeism);
  // Round away float noise (e.g. 6/(1−0.25) = 8.000000000000002) before taking the ceiling.
  return Math.ceil(Number((seats / (1 - absenteeism)).toFixed(9)));
}

/** Full-time posts for a number of seat-hours per year: seatHours / (1 − absenteeism) / hoursPerPost. */
export function fullTimePosts(
  seatHoursPerYear: number,
  absenteeism: number,
  hoursPerPost = DEFAULT_HOURS_PER_POST,
): number {
  validateAbsenteeism(absenteeism);
  validateHoursPerPost(hoursPerPost);
  return seatHoursPerYear / (1 - absenteeism) / hoursPerPost;
}

/** Full-time posts to hold `seats` seats around the clock all year (8,760 h). */
export function fullTimePosts24x7(
  seats: number,
  absenteeism: number,
  hoursPerPost = DEFAULT_HOURS_PER_POST,
): number {
  return fullTimePosts(seats * HOURS_PER_YEAR, absenteeism, hoursPerPost);
}
