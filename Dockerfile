# The README's steps in an image: set-up (Debian packages, npm ci with the native addon,
# TypeScript build), then the tests as the default command.
FROM node:20-bookworm
WORKDIR /ikegate
COPY . .
RUN bash scripts/setup && rm -rf /var/lib/apt/lists/*
CMD ["npm", "test"]
