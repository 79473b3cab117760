# The two commands a newcomer needs: `make run` and `make test`.
GO        ?= go
BIN       := bin/loa
VERSION   := $(shell git describe --always --dirty 2>/dev/null || echo dev)
LDFLAGS   := -X github.com/loa-vn/loa/app.Version=$(VERSION)

.PHONY: run test build services vet bench

## run: services up, migrate, seed, print the console's address (and a first admin's one-time
## sign-in link while no admin has a password), then every process in one (sandbox Telegram
## without TELEGRAM_TOKEN)
run: build
	.ci/services --create-db loa
	$(BIN) migrate
	$(BIN) seed
	$(BIN) staff first-admin
	$(BIN) dev

## test: services up, then vet and every test against the real PostgreSQL and Redis
test: services
	$(GO) vet ./...
	$(GO) test -count=1 -timeout 25m ./...

build:
	$(GO) build -ldflags "$(LDFLAGS)" -o $(BIN) .

services:
	.ci/services

bench: build
	$(BIN) bench faq
	$(BIN) bench broadcast
