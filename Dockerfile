# Jalons application image: one image for every role (api, worker, notifier, migrate).
# The role is chosen by the command, e.g. `npx tsx scripts/start.ts --role=worker`.
ARG NODE_IMAGE=node:20-bookworm-slim
FROM ${NODE_IMAGE}

# npm >= 11.19 reads the `allowScripts` policy in package.json; the npm bundled
# with node:20 is older and would ignore it, so pin the same npm as development.
ARG NPM_VERSION=11.19.1

# openssl: needed by Prisma's engines on Debian slim; ca-certificates: TLS to external services;
# chromium and a font: the funders' report printed as PDF (CHROMIUM_PATH).
RUN apt-get update \
 && apt-get install -y --no-install-recommends openssl ca-certificates chromium fonts-dejavu-core \
 && rm -rf /var/lib/apt/lists/* \
 && npm install -g npm@${NPM_VERSION} \
 && npm cache clean --force

WORKDIR /app

# Dependencies first for layer caching. Install scripts are NOT disabled:
# `npm ci` runs those allowed by package.json's `allowScripts`.
# Dev dependencies are installed too (tsx, prisma), so NODE_ENV is set only afterwards.
COPY package.json package-lock.json ./
RUN npm ci && npm cache clean --force

COPY . .

# The Prisma client is generated into generated/prisma (git-ignored), so build it here.
RUN PRISMA_SCHEMA_ENGINE_BINARY=/app/scripts/no-schema-engine.sh npx prisma generate

# The web UI, built into web/dist (git-ignored) and served by the API role.
RUN NODE_ENV=production npx vite build --config web/vite.config.mts --logLevel warn

# HOST: infra/config.ts binds 127.0.0.1 by default, unreachable through a published port.
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=3000 \
    DATA_DIR=/app/data

# Data dir (uploads volume mounts at /app/data/uploads) owned by the runtime user,
# so a fresh named volume inherits that ownership.
RUN mkdir -p /app/data/uploads && chown -R node:node /app/data
USER node

EXPOSE 3000
CMD ["npx", "tsx", "scripts/start.ts", "--role=api"]
