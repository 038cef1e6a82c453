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
# Apps with a build (the service) run compiled, without a TypeScript compiler in the process.
RUN if [ -f apps/${APP}/tsconfig.build.json ]; then npx tsc -p apps/${APP}/tsconfig.build.json; fi
USER node
CMD ["sh", "-c", "if [ -f apps/$APP/launch.cjs ]; then exec node --enable-source-maps --max-old-space-size=160 apps/$APP/launch.cjs; else exec node -r @swc-node/register apps/$APP/src/main.ts; fi"]
