# One image recipe for both Node apps; docker-compose.yml passes APP (the folder under apps/).
FROM node:20.19-bookworm-slim AS deps
WORKDIR /workspace
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund

FROM node:20.19-bookworm-slim
ARG APP
ENV APP=${APP} NODE_ENV=production SWC_NODE_PROJECT=apps/${APP}/tsconfig.json
WORKDIR /workspace
COPY --from=deps /workspace/node_modules ./node_modules
COPY package.json tsconfig.base.json ./
COPY libs ./libs
COPY apps/${APP} ./apps/${APP}
USER node
CMD ["sh", "-c", "exec node -r @swc-node/register apps/$APP/src/main.ts"]
