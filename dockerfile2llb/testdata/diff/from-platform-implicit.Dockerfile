# diff: platform=implicit
FROM node:20 AS deps
WORKDIR /app
COPY package.json ./
RUN npm ci

FROM node:20-slim
COPY --from=deps /app/node_modules ./node_modules
CMD ["node", "server.js"]
