# Container recipe for the magtrack CLI: `docker build -t magtrack .`, then
# `docker run --rm -e MLFLOW_TRACKING_URI=... magtrack sync --tracker mlflow --experiment my-exp --json`.
FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json tsconfig.json tsconfig.build.json ./
COPY src ./src
COPY adapters ./adapters
RUN npm ci && npm prune --omit=dev

FROM node:20-bookworm-slim
WORKDIR /app
ENV NODE_ENV=production
COPY --from=build /app/package.json ./
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
USER node
ENTRYPOINT ["node", "/app/dist/src/cli/main.js"]
CMD ["--help"]
