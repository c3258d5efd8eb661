# trailgraph service image. TypeScript runs through tsx (no build step), so the image is the sources + deps.
FROM node:20-slim AS deps
WORKDIR /app
# better-sqlite3 ships prebuilt binaries for linux x64/arm64 glibc; the toolchain is only a fallback.
RUN apt-get update && apt-get install -y --no-install-recommends python3 make g++ && rm -rf /var/lib/apt/lists/*
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --ignore-scripts=false && npm cache clean --force

FROM node:20-slim
ENV NODE_ENV=production
WORKDIR /app
# curl for the container healthcheck.
RUN apt-get update && apt-get install -y --no-install-recommends curl && rm -rf /var/lib/apt/lists/*
COPY --from=deps /app/node_modules ./node_modules
# Everything not excluded by .dockerignore: bin/, src/, ontology/, migrations/, queries/, package.json.
COPY --chown=node:node . .
USER node
EXPOSE 4000
HEALTHCHECK --interval=10s --timeout=3s --start-period=20s --retries=3 \
  CMD curl -fsS http://127.0.0.1:4000/healthz || exit 1
CMD ["node", "bin/trailgraph.js", "serve"]
