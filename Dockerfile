# The sas-acd image: the ACD (`sas-acd serve`) and, with another command, sim-pbx
# (`sas-acd sim-pbx`). Used by docker-compose.yml.
#
# No build step: bin/sas-acd.mjs runs the TypeScript sources through tsx. tsx is a *runtime*
# dependency ("dependencies" in package.json, not "devDependencies"), so `npm ci --omit=dev` keeps
# it; what the image must also carry is the sources themselves (src/, simulator/, bin/), tsconfig.json
# and the data files they read at run time (Lua scripts of the store, sim-pbx's api-docs). Hence the
# whole build context is copied, minus .dockerignore. Checked without Docker: a copy of the tree with
# `npm prune --omit=dev` runs `sas-acd --help`, `config example` and `sim-pbx` (asterisk-config/README.md).
FROM node:20-bookworm-slim

ENV NODE_ENV=production \
    NPM_CONFIG_UPDATE_NOTIFIER=false \
    NPM_CONFIG_FUND=false \
    NPM_CONFIG_AUDIT=false

WORKDIR /app

# Dependencies first, in their own layer: rebuilt only when the lock file changes.
COPY package.json package-lock.json ./
RUN npm ci --omit=dev && npm cache clean --force

COPY . .
# The browser UI (web/ → web/dist, Vite): the `prepare` script could not build it above, before
# the sources were copied.
RUN npm run build:web

# Not root. npx needs a writable cache: node's home (/home/node) has one.
USER node

# The HTTP port of `sas-acd serve` (REST, Socket.IO, the browser panel): 8080 is assumed here and in
# docker-compose.yml until that subcommand lands; sim-pbx listens on 8088 (ARI).
EXPOSE 8080

# `sas-acd serve` is being written (issue 11 / 5): until it exists this command prints the usage
# and exits. `node bin/sas-acd.mjs serve` is the same without npm in between.
CMD ["npx", "sas-acd", "serve"]
