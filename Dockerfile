# idmock: the mocks and the reference auth server in one image. The world (mock-providers/) can be
# replaced by mounting a directory at /app/mock-providers.
FROM node:20-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY scripts/bundle-cli.ts ./scripts/
COPY src ./src
RUN npm run build && npm prune --omit=dev

FROM node:20-slim
ENV NODE_ENV=production
WORKDIR /app
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY package.json ./
COPY mock-providers ./mock-providers
USER node
EXPOSE 7700 7701 7702
ENTRYPOINT ["node", "dist/bin/idmock.js"]
CMD ["start", "--host", "0.0.0.0"]
