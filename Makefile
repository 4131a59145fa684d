# CareLoop developer entry points. See README.md.
.PHONY: up down status logs demo test build setup clean bench chaos soak fault-tests

up:        ## set up, build, start PostgreSQL, the dev broker and all five services, then send demo traffic
	@bash scripts/stack.sh up
	@bash scripts/demo.sh

down:      ## stop everything `make up` started
	@bash scripts/stack.sh down

status:    ## what runs where
	@bash scripts/stack.sh status

logs:      ## recent logs of every process (make logs NAME=intake to follow one)
	@bash scripts/stack.sh logs $(NAME)

demo:      ## send demo owner reports to the running stack
	@bash scripts/demo.sh

test:      ## set up, build and run every test
	@bash scripts/test.sh

bench:     ## release build, then throughput (as fast as possible) and latency (300/s) of the whole pipeline; report in reports/
	@bash scripts/harness.sh bench

chaos:     ## release build, then every fault scenario; fails if anything is lost or doubled or a recovery takes > 15 s
	@bash scripts/harness.sh chaos --scenario all

fault-tests: ## set up, build and run the in-process fault tests kept out of `make test` (PostgreSQL restarted under the outbox relay)
	@CARELOOP_TEST_FAULTS=1 bash scripts/test.sh --filter OutboxRelayRestartTests

soak:      ## release build, then 10 minutes at 300/s: memory (RSS) of every process over time
	@bash scripts/harness.sh soak

build:
	@swift build

setup:
	@bash scripts/setup.sh

clean:
	@bash scripts/stack.sh down || true
	@rm -rf .build .run
