# trailgraph service image: the compiled package (dist/) on the current Node LTS; no TypeScript at run time except
# the loader for .ts migrations.
FROM node:24-slim AS build
WORKDIR /app
# better-sqlite3 ships prebuilt binaries for linux x64/arm64 glibc; the toolchain is only a fallback.
RUN apt-get update && apt-get install -y --no-install-recommends python3 make g++ && rm -rf /var/lib/apt/lists/*
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY scripts ./scripts
COPY src ./src
RUN npm run build && npm prune --omit=dev && npm cache clean --force

FROM node:24-slim
ENV NODE_ENV=production
WORKDIR /app
# curl for the container healthcheck.
RUN apt-get update && apt-get install -y --no-install-recommends curl && rm -rf /var/lib/apt/lists/*
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
# The domain the service runs by default (ontology, its migrations, persisted operations) and the bin, which runs
# dist/ because the image holds no src/.
COPY --chown=node:node package.json ./
COPY --chown=node:node bin ./bin
COPY --chown=node:node ontology ./ontology
COPY --chown=node:node migrations ./migrations
COPY --chown=node:node queries ./queries
USER node
EXPOSE 4000
HEALTHCHECK --interval=10s --timeout=3s --start-period=20s --retries=3 \
  CMD curl -fsS http://127.0.0.1:4000/healthz || exit 1
CMD ["node", "bin/trailgraph.js", "serve"]
