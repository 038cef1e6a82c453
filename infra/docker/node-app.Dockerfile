# One image recipe for both Node apps; docker-compose.yml passes APP (the folder under apps/).
# Two stages: `build` installs every dependency and runs `nx build $APP`; the runtime stage installs the
# production dependencies only (`npm ci --omit=dev`) and takes nothing from `build` but dist/apps/$APP.
ARG NODE_IMAGE=node:24-bookworm-slim

FROM ${NODE_IMAGE} AS build
ARG APP
ENV NX_DAEMON=false NX_NO_CLOUD=true
WORKDIR /workspace
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY nx.json tsconfig.base.json ./
COPY infra/build-app.cjs ./infra/
COPY libs ./libs
COPY apps/${APP} ./apps/${APP}
RUN npx nx build ${APP} --outputStyle=static

FROM ${NODE_IMAGE} AS runtime
ARG APP
ENV APP=${APP} NODE_ENV=production
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force
COPY --from=build /workspace/dist/apps/${APP} ./dist/apps/${APP}
# Set after the install so npm runs without them; docker-compose.yml caps the service's heap through it.
ARG NODE_OPTIONS=--enable-source-maps
ENV NODE_OPTIONS=${NODE_OPTIONS}
USER node
# Migrations before a deploy: `docker compose run --rm shipment-cancellation npm run migrate`.
CMD ["sh", "-c", "exec node dist/apps/$APP/main.js"]
