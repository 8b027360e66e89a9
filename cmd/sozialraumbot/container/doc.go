// Package container checks the container image without a Docker engine (none
// runs where the project is built and tested). Its test reads the Dockerfile,
// .dockerignore and compose.yaml of the repository and does what they say,
// as far as it can be done on the host:
//
//   - the build context is the repository minus .dockerignore;
//   - the build stage's RUN instructions run as written (/bin/sh -c, the
//     stage's ARG defaults, compose's VERSION build argument), so the binary is
//     built with exactly the Dockerfile's flags (CGO_ENABLED=0, -trimpath,
//     -ldflags version) and its own checks (version, check-directory) run;
//   - the binary must be static, as the distroless/static base image needs;
//   - the final stage's ENTRYPOINT and CMD run with the image's ENV and
//     compose's environment (the compose secret as a file), as the image's USER
//     when the test runs as root, against a fake Bot API and the test Redis;
//   - the image's HEALTHCHECK command must pass while serve runs, the bot must
//     answer a parent, SIGTERM (docker stop) must end it cleanly within
//     compose's stop_grace_period, and the HEALTHCHECK must fail afterwards.
//
// What it cannot do: pull the base images, run the real image (distroless,
// read-only root file system, dropped capabilities) or Docker's own HEALTHCHECK
// scheduler. The package has no code of its own; see container_test.go.
package container
