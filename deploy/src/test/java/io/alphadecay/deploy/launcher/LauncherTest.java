package io.alphadecay.deploy.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;

import io.alphadecay.deploy.RepositoryFiles;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The {@code alphadecay} launcher driven as a process, the way a user runs it, on the jars the reactor built before
 * this module. The three services start once for the whole class (the trainer alone takes about 20 s), on free
 * ports, with a home of their own (a space in its path, for the quoting) and tokens in the environment.
 * {@code up}, one {@code status} and {@code down} run with a PATH that holds only bash, coreutils and java (and what
 * the embedded PostgreSQL needs): no curl, python3, find, sed or grep, as on a machine with only what the README
 * asks for. The second {@code up} and the other {@code status} run with the full PATH, so the curl path is
 * exercised too where curl is installed.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class LauncherTest {

    private static final List<String> SERVICES = List.of("control-api", "esd-service", "trainer-service");

    /** GNU coreutils' programs: with bash and java, everything the launcher may use. */
    private static final List<String> COREUTILS = List.of(
            "arch",
            "b2sum",
            "base32",
            "base64",
            "basename",
            "basenc",
            "cat",
            "chcon",
            "chgrp",
            "chmod",
            "chown",
            "chroot",
            "cksum",
            "comm",
            "cp",
            "csplit",
            "cut",
            "date",
            "dd",
            "df",
            "dir",
            "dircolors",
            "dirname",
            "du",
            "echo",
            "env",
            "expand",
            "expr",
            "factor",
            "false",
            "fmt",
            "fold",
            "groups",
            "head",
            "hostid",
            "id",
            "install",
            "join",
            "link",
            "ln",
            "logname",
            "ls",
            "md5sum",
            "mkdir",
            "mkfifo",
            "mknod",
            "mktemp",
            "mv",
            "nice",
            "nl",
            "nohup",
            "nproc",
            "numfmt",
            "od",
            "paste",
            "pathchk",
            "pinky",
            "pr",
            "printenv",
            "printf",
            "ptx",
            "pwd",
            "readlink",
            "realpath",
            "rm",
            "rmdir",
            "runcon",
            "seq",
            "sha1sum",
            "sha224sum",
            "sha256sum",
            "sha384sum",
            "sha512sum",
            "shred",
            "shuf",
            "sleep",
            "sort",
            "split",
            "stat",
            "stdbuf",
            "stty",
            "sum",
            "sync",
            "tac",
            "tail",
            "tee",
            "test",
            "timeout",
            "touch",
            "tr",
            "true",
            "truncate",
            "tsort",
            "tty",
            "uname",
            "unexpand",
            "uniq",
            "unlink",
            "users",
            "vdir",
            "wc",
            "who",
            "whoami",
            "yes");

    private static final Duration QUICK = Duration.ofSeconds(30);
    private static final Duration UP = Duration.ofMinutes(4);
    private static final Duration DOWN = Duration.ofMinutes(3);
    private static final String RUN_NAME = "launcher-check";
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private static final AtomicInteger CALLS = new AtomicInteger();

    @TempDir
    static Path work;

    private static Path root;
    private static Path script;
    private static Path home;
    private static Path minimalBin;
    private static final Map<String, Integer> PORTS = new LinkedHashMap<>();
    private static final Map<String, Long> PIDS = new LinkedHashMap<>();
    private static final Set<Long> SEEN = new HashSet<>();
    private static String operatorToken;
    private static String serviceToken;
    private static boolean started;
    private static String runId;

    @BeforeAll
    static void setUp() throws IOException {
        root = RepositoryFiles.root();
        script = root.resolve("alphadecay");
        for (String service : SERVICES) {
            Path jar = jar(service);
            assertTrue(
                    Files.isRegularFile(jar),
                    "No " + root.relativize(jar) + ": this test runs the launcher on the "
                            + "built jars and never builds them itself. Build them first with ./mvnw -B -DskipTests package "
                            + "(./mvnw -B verify builds them before the deploy module)");
        }
        assertTrue(
                Files.isRegularFile(root.resolve("cli/target/alphadecay-cli.jar")),
                "No cli/target/" + "alphadecay-cli.jar: build it first with ./mvnw -B -DskipTests package");
        home = work.resolve("launcher home");
        minimalBin = minimalBin(work.resolve("bin"));
        List<ServerSocket> sockets = new ArrayList<>();
        try {
            for (String service : SERVICES) { // held together so that the three differ
                ServerSocket socket = new ServerSocket(0);
                sockets.add(socket);
                PORTS.put(service, socket.getLocalPort());
            }
        } finally {
            for (ServerSocket socket : sockets) {
                socket.close();
            }
        }
        operatorToken = "launcher-operator-" + UUID.randomUUID();
        serviceToken = "launcher-service-" + UUID.randomUUID();
    }

    @AfterAll
    static void stopEverything() {
        if (home == null) {
            return;
        }
        // The launcher first, as a user would stop it; then, by the pids seen and the pid files, whatever is left.
        SEEN.addAll(pidFiles().values());
        databasePid().ifPresent(SEEN::add);
        try {
            launcher(false, DOWN, "down");
        } catch (Throwable ex) {
            // Below.
        }
        Set<String> marks = new HashSet<>(Set.of(home.toString()));
        try {
            marks.add(home.toRealPath().toString());
        } catch (IOException ex) {
            // Never created.
        }
        // Only processes of this home: a pid seen earlier may belong to someone else by now.
        List<ProcessHandle> left = SEEN.stream()
                .map(ProcessHandle::of)
                .flatMap(Optional::stream)
                .filter(ProcessHandle::isAlive)
                .filter(process ->
                        marks.stream().anyMatch(process.info().commandLine().orElse("")::contains))
                .toList();
        left.forEach(ProcessHandle::destroy); // a service stopped gracefully stops its database too
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        for (ProcessHandle process : left) {
            try {
                process.onExit().get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            } catch (Exception ex) {
                process.destroyForcibly();
            }
        }
    }

    // Usage and build, without services.

    @Test
    @Order(1)
    void badUsageExitsNonZeroWithOneLine() {
        Result unknown = launcher(true, QUICK, "frobnicate");
        assertThat(unknown.exit()).as(unknown.toString()).isNotZero();
        assertThat(unknown.stdout()).isEmpty();
        assertThat(unknown.stderr().lines().toList())
                .as(unknown.toString())
                .singleElement()
                .asString()
                .contains("frobnicate");

        Result badService = launcher(true, QUICK, "logs", "no-such-service");
        assertThat(badService.exit()).as(badService.toString()).isNotZero();
        assertThat(badService.stderr().lines().toList())
                .singleElement()
                .asString()
                .contains("no-such-service");

        assertThat(home).as("a bad command starts and creates nothing").doesNotExist();
    }

    @ParameterizedTest(name = "minimal PATH: {0}")
    @ValueSource(booleans = {true, false})
    @Order(2)
    void buildLooksOnlyAtTheSourcesTheServicesAreBuiltFrom(boolean minimalPath) throws IOException {
        // A copy of the launcher in a tree of its own, whose mvnw only records that it was called.
        Path tree = work.resolve(minimalPath ? "tree-minimal-path" : "tree-full-path");
        Path launcher = write(tree.resolve("alphadecay"), Files.readString(script));
        write(tree.resolve("mvnw"), "#!/usr/bin/env bash\nprintf '%s\\n' \"$*\" >> mvnw.calls\n");
        for (Path executable : List.of(launcher, tree.resolve("mvnw"))) {
            Files.setPosixFilePermissions(executable, PosixFilePermissions.fromString("rwxr-xr-x"));
        }
        List<String> inputs = List.of(
                "pom.xml",
                "db/migration/V1__schema.sql",
                "common/pom.xml",
                "common/src/main/java/io/x/Shared.java",
                "safetensors/src/main/java/io/x/Reader.java",
                "control-api/src/main/resources/application.yml",
                "esd-service/src/main/java/io/x/Esd.java",
                "trainer-service/pom.xml",
                "trainer-service/src/main/resources/presets/tiny.json",
                "api/src/main/java/io/x/Wire.java",
                "cli/pom.xml",
                "cli/src/main/java/io/x/Command.java");
        List<String> others = List.of(
                "deploy/pom.xml",
                "deploy/src/test/java/io/x/DeployTest.java",
                "test-support/pom.xml",
                "test-support/src/main/java/io/x/Support.java",
                "control-api/src/test/java/io/x/ApiTest.java",
                "control-api/src/test/resources/application.yml",
                "cli/src/test/java/io/x/CommandTest.java",
                "api/target/classes/io/x/Wire.class",
                "control-api/target/generated-sources/io/x/Generated.java",
                "target/classes/Stray.java",
                "bench/esd/Bench.java",
                "helm/values.yml",
                "docs/schema.sql",
                ".alphadecay/run/control-api.log");
        Instant now = Instant.now();
        for (String input : inputs) {
            touch(write(tree.resolve(input), "x"), now.minus(Duration.ofHours(2)));
        }
        for (String service : SERVICES) {
            touch(write(tree.resolve(service + "/target/" + service + ".jar"), "jar"), now.minus(Duration.ofHours(1)));
        }
        touch(write(tree.resolve("cli/target/alphadecay-cli.jar"), "jar"), now.minus(Duration.ofHours(1)));
        for (String other : others) {
            touch(write(tree.resolve(other), "x"), now);
        }
        Path calls = tree.resolve("mvnw.calls");

        // build looks at the sources whatever ALPHADECAY_BUILD (never in these calls) says: that governs only up.
        Result fresh = launcherAt(launcher, minimalPath, Map.of(), QUICK, "build");
        assertThat(fresh.exit()).as(fresh.toString()).isZero();
        assertThat(calls)
                .as("files newer than the jars, none of them a source of the services")
                .doesNotExist();

        for (String input : inputs) {
            touch(tree.resolve(input), now);
            Result stale = launcherAt(launcher, minimalPath, Map.of(), QUICK, "build");
            assertThat(stale.exit()).as(stale.toString()).isZero();
            assertThat(calls).as("a change of " + input + " rebuilds").exists();
            assertThat(Files.readAllLines(calls)).singleElement().asString().contains("package");
            Files.delete(calls);
            touch(tree.resolve(input), now.minus(Duration.ofHours(2)));
        }

        Files.delete(tree.resolve("esd-service/target/esd-service.jar"));
        Result never = launcherAt(launcher, minimalPath, Map.of("ALPHADECAY_BUILD", "never"), QUICK, "up");
        assertThat(never.exit()).as(never.toString()).isNotZero();
        assertThat(never.stderr()).contains("esd-service.jar", "./mvnw");
        assertThat(calls).doesNotExist();

        Result missing = launcherAt(launcher, minimalPath, Map.of(), QUICK, "build");
        assertThat(missing.exit()).as(missing.toString()).isZero();
        assertThat(calls).as("a missing jar is built").exists();
    }

    @Test
    @Order(3)
    void theMinimalPathHasNoCurlNorOtherTools() throws Exception {
        ProcessBuilder builder = new ProcessBuilder(
                        minimalBin.resolve("bash").toString(),
                        "-c",
                        "command -v curl wget python3 find sed grep awk ps")
                .redirectErrorStream(true);
        builder.environment().put("PATH", minimalBin.toString());
        Process probe = builder.start();
        probe.getOutputStream().close();
        String found = new String(probe.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(probe.waitFor(10, TimeUnit.SECONDS)).isTrue();
        assertThat(found).as("tools on the minimal PATH").isEmpty();
        assertThat(probe.exitValue()).isNotZero();
    }

    // One life of the services: up, status, up again, logs, down.

    @Test
    @Order(10)
    void upStartsTheThreeServicesOnTheirPortsWithoutCurl() throws IOException {
        Result result = launcher(true, UP, "up");
        SEEN.addAll(pidFiles().values());
        assertThat(result.exit()).as(result + logTails()).isZero();
        for (String service : SERVICES) {
            int port = PORTS.get(service);
            assertThat(result.stderr()).contains("Starting " + service + " on port " + port);
            assertThat(health(port)).as(service + " answers on port " + port).isEqualTo(200);
            Long pid = pidFiles().get(service);
            assertThat(pid).as("the pid file of " + service).isNotNull();
            assertThat(commandLine(pid))
                    .as("pid " + pid)
                    .contains(service + "/target/" + service + ".jar", "-Dalphadecay.home=" + home.toRealPath());
            PIDS.put(service, pid);
        }
        // Each knows where the others are.
        assertThat(environment(PIDS.get("trainer-service")))
                .contains(
                        "SERVER_PORT=" + PORTS.get("trainer-service"),
                        "ALPHADECAY_CONTROL_API_URL=http://localhost:" + PORTS.get("control-api"),
                        "ALPHADECAY_ESD_URL=http://localhost:" + PORTS.get("esd-service"));
        assertThat(environment(PIDS.get("esd-service")))
                .contains(
                        "SERVER_PORT=" + PORTS.get("esd-service"),
                        "ALPHADECAY_CONTROL_API_URL=http://localhost:" + PORTS.get("control-api"));
        started = true;
    }

    @Test
    @Order(11)
    void theTrainerClaimsRunsFromThisControlApi() throws Exception {
        assumeTrue(started, "the services did not start");
        // A dataset that does not exist: the trainer claims the run and fails it at once instead of training.
        String body = JSON.writeValueAsString(Map.of(
                "name",
                RUN_NAME,
                "preset",
                "tiny",
                "steps",
                20,
                "dataset",
                home.resolve("no-such-dataset").toString()));
        HttpResponse<String> created = HTTP.send(
                api("/api/v1/runs")
                        .POST(HttpRequest.BodyPublishers.ofString(body))
                        .header("Content-Type", "application/json")
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        runId = JSON.readTree(created.body()).get("id").asString();

        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        JsonNode run;
        do {
            Thread.sleep(500);
            run = JSON.readTree(
                    HTTP.send(api("/api/v1/runs/" + runId).GET().build(), HttpResponse.BodyHandlers.ofString())
                            .body());
        } while (!run.get("state").asString().equals("FAILED") && System.nanoTime() < deadline);
        assertThat(run.get("state").asString()).as(run.toString()).isEqualTo("FAILED");
        assertThat(run.get("failureReason").asString()).contains("no-such-dataset");
    }

    @Test
    @Order(12)
    void statusListsTheServicesAndTheLatestRunsWithAndWithoutCurl() {
        assumeTrue(started, "the services did not start");
        for (boolean minimalPath : new boolean[] {true, false}) {
            Result result = launcher(minimalPath, QUICK, "status");
            assertThat(result.exit()).as(result.toString()).isZero();
            List<String> lines = result.stdout().lines().toList();
            for (String service : SERVICES) {
                assertThat(lines)
                        .as(result.toString())
                        .anyMatch(line -> line.matches(Pattern.quote(service) + " +UP +port " + PORTS.get(service)
                                + ", pid " + PIDS.get(service)));
            }
            assertThat(lines)
                    .as(result.toString())
                    .anyMatch(line ->
                            line.matches(Pattern.quote(RUN_NAME) + " +FAILED +step +0 / 20 +" + Pattern.quote(runId)));
        }
    }

    @Test
    @Order(12)
    void runsAndCompareGoThroughTheCli() throws IOException {
        assumeTrue(started, "the services did not start");
        Result list = launcher(true, QUICK, "runs", "list", "--name", RUN_NAME);
        assertThat(list.exit()).as(list.toString()).isZero();
        assertThat(list.stdout()).contains(runId, "FAILED");

        Result logs = launcher(false, QUICK, "runs", "logs", runId);
        assertThat(logs.exit()).as(logs.toString()).isZero();
        assertThat(logs.stdout()).contains("no-such-dataset");

        Result compare =
                launcher(false, QUICK, "compare", runId, UUID.randomUUID().toString());
        assertThat(compare.exit()).as(compare.toString()).isNotZero();
        assertThat(compare.stderr().lines().toList())
                .as(compare.toString())
                .singleElement()
                .asString()
                .contains("refused it (404)");

        Result help = launcher(true, QUICK, "runs", "--help");
        assertThat(help.exit()).as(help.toString()).isZero();
        assertThat(help.stdout()).contains("Usage: alphadecay runs", "list", "show", "create", "cancel", "logs");
    }

    @Test
    @Order(13)
    void upAgainStartsNothing() {
        assumeTrue(started, "the services did not start");
        // The same home spelt another way is the same launcher.
        String sameHome = home + "/../" + home.getFileName() + "/";
        Result again = launcherAt(script, false, Map.of("ALPHADECAY_HOME", sameHome), UP, "up");
        assertThat(again.exit()).as(again.toString()).isZero();
        assertThat(again.stderr()).doesNotContain("Starting");
        for (String service : SERVICES) {
            assertThat(again.stderr()).contains(service + ": already running (pid " + PIDS.get(service) + ")");
            assertThat(health(PORTS.get(service))).isEqualTo(200);
        }
        assertThat(pidFiles()).isEqualTo(PIDS);
        assertThat(PIDS.values())
                .allMatch(
                        pid -> ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false));
    }

    @Test
    @Order(14)
    void logsPrintsTheLogOfAService() throws IOException {
        assumeTrue(started, "the services did not start");
        // Its output is a file, not a terminal: the latest lines, without following.
        Result logs = launcher(true, QUICK, "logs", "control-api");
        assertThat(logs.exit()).as(logs.toString()).isZero();
        assertThat(logs.stdout()).contains("Tomcat started on port " + PORTS.get("control-api"));
        List<String> file = Files.readAllLines(home.resolve("run/control-api.log"));
        assertThat(file).containsAll(logs.stdout().lines().toList());
    }

    @Test
    @Order(15)
    void downWithoutCurlStopsWhatItStartedAndFreesThePorts() throws IOException {
        assumeTrue(started, "the services did not start");
        Optional<Long> database = databasePid();
        assertThat(database).as("the embedded PostgreSQL's pid file").isPresent();

        Result down = launcher(true, DOWN, "down");
        assertThat(down.exit()).as(down.toString()).isZero();
        for (String service : SERVICES) {
            long pid = PIDS.get(service);
            assertThat(down.stderr()).contains("Stopping " + service + " (pid " + pid + ")");
            assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false))
                    .as(service)
                    .isFalse();
            try (ServerSocket free = new ServerSocket(PORTS.get(service))) {
                assertThat(free.getLocalPort()).isEqualTo(PORTS.get(service));
            }
        }
        assertThat(pidFiles()).isEmpty();
        assertThat(ProcessHandle.of(database.get()).map(ProcessHandle::isAlive).orElse(false))
                .as("the embedded PostgreSQL stops with the control-api")
                .isFalse();
        started = false;
    }

    @Test
    @Order(16)
    void downLeavesAloneAProcessItDidNotStart() throws Exception {
        assumeTrue(!started, "the services are still running");
        // A pid file that outlived its service and whose pid now belongs to someone else's process.
        Process stranger = new ProcessBuilder("sleep", "300").start();
        try {
            Files.createDirectories(home.resolve("run"));
            Files.writeString(home.resolve("run/control-api.pid"), stranger.pid() + "\n");

            Result status = launcher(true, QUICK, "status");
            assertThat(status.stdout().lines().toList())
                    .as(status.toString())
                    .anyMatch(line -> line.matches("control-api +DOWN +port " + PORTS.get("control-api")));

            Result down = launcher(true, DOWN, "down");
            assertThat(down.exit()).as(down.toString()).isZero();
            assertThat(down.stderr()).contains("Nothing of ours was running").doesNotContain("Stopping");
            assertThat(stranger.isAlive()).as("the stranger survives down").isTrue();
            assertThat(home.resolve("run/control-api.pid")).doesNotExist();
        } finally {
            stranger.destroyForcibly();
        }
    }

    // Helpers.

    private record Result(int exit, String stdout, String stderr) {
        @Override
        public String toString() {
            return "exit " + exit + "\n--- stdout\n" + stdout + "--- stderr\n" + stderr;
        }
    }

    private static Result launcher(boolean minimalPath, Duration timeout, String... args) {
        return launcherAt(script, minimalPath, Map.of(), timeout, args);
    }

    private static Result launcherAt(
            Path launcher, boolean minimalPath, Map<String, String> extraEnv, Duration timeout, String... args) {
        List<String> command = new ArrayList<>(List.of(launcher.toString()));
        command.addAll(Arrays.asList(args));
        int call = CALLS.incrementAndGet();
        Path out = work.resolve("call-" + call + ".out");
        Path err = work.resolve("call-" + call + ".err");
        // Files, not pipes: the services the launcher starts must not hold the test's streams open.
        ProcessBuilder builder = new ProcessBuilder(command)
                .directory(work.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .redirectOutput(out.toFile())
                .redirectError(err.toFile());
        Map<String, String> env = builder.environment();
        env.keySet().removeIf(name -> name.startsWith("ALPHADECAY_") || name.equals("SERVER_PORT"));
        env.put("PATH", minimalPath ? minimalBin.toString() : System.getenv("PATH"));
        env.put("ALPHADECAY_HOME", home.toString());
        env.put("ALPHADECAY_CONTROL_API_PORT", String.valueOf(PORTS.get("control-api")));
        env.put("ALPHADECAY_ESD_PORT", String.valueOf(PORTS.get("esd-service")));
        env.put("ALPHADECAY_TRAINER_PORT", String.valueOf(PORTS.get("trainer-service")));
        env.put("ALPHADECAY_OPERATOR_TOKEN", operatorToken);
        env.put("ALPHADECAY_SERVICE_TOKEN", serviceToken);
        env.put("ALPHADECAY_BUILD", "never"); // the jars the reactor built, as they are
        env.putAll(extraEnv);
        try {
            Process process = builder.start();
            if (!process.waitFor(timeout.toSeconds(), TimeUnit.SECONDS)) {
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly();
                throw new AssertionError("alphadecay " + String.join(" ", args) + " did not end within " + timeout
                        + "\n" + new Result(-1, Files.readString(out), Files.readString(err)));
            }
            return new Result(process.exitValue(), Files.readString(out), Files.readString(err));
        } catch (IOException ex) {
            throw new UncheckedIOException(ex);
        } catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(ex);
        }
    }

    /** A folder of links to bash, java and the coreutils found on the PATH, and what the services need. */
    private static Path minimalBin(Path bin) throws IOException {
        Files.createDirectories(bin);
        Files.createSymbolicLink(bin.resolve("java"), Path.of(System.getProperty("java.home"), "bin", "java"));
        Files.createSymbolicLink(
                bin.resolve("bash"),
                onPath("bash").orElseThrow(() -> new IllegalStateException("no bash on the PATH")));
        List<String> programs = new ArrayList<>(COREUTILS);
        // Not for the launcher but for the control-api's embedded PostgreSQL: it runs scripts with sh (POSIX,
        // on every Unix) and, started as root, drops root through unshare (util-linux).
        programs.add("sh");
        if ("root".equals(System.getProperty("user.name"))) {
            programs.add("unshare");
        }
        for (String program : programs) {
            Optional<Path> found = onPath(program);
            if (found.isPresent()) {
                Files.createSymbolicLink(bin.resolve(program), found.get());
            }
        }
        return bin;
    }

    private static Optional<Path> onPath(String program) {
        return Arrays.stream(System.getenv("PATH").split(File.pathSeparator))
                .filter(dir -> !dir.isEmpty())
                .map(dir -> Path.of(dir, program))
                .filter(Files::isExecutable)
                .findFirst();
    }

    private static Path jar(String service) {
        return root.resolve(service).resolve("target").resolve(service + ".jar");
    }

    private static HttpRequest.Builder api(String path) {
        return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + PORTS.get("control-api") + path))
                .timeout(Duration.ofSeconds(30))
                .header("Authorization", "Bearer " + operatorToken);
    }

    /** The status of the health endpoint, or -1 when nothing answers. */
    private static int health(int port) {
        try {
            return HTTP.send(
                            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/actuator/health"))
                                    .timeout(Duration.ofSeconds(10))
                                    .build(),
                            HttpResponse.BodyHandlers.discarding())
                    .statusCode();
        } catch (IOException ex) {
            return -1;
        } catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    private static Map<String, Long> pidFiles() {
        Map<String, Long> pids = new LinkedHashMap<>();
        for (String service : SERVICES) {
            Path file = home.resolve("run").resolve(service + ".pid");
            try {
                if (Files.exists(file)) {
                    pids.put(service, Long.parseLong(Files.readString(file).trim()));
                }
            } catch (IOException | NumberFormatException ex) {
                // Being written or gone: not a pid.
            }
        }
        return pids;
    }

    private static Optional<Long> databasePid() {
        try {
            List<String> lines = Files.readAllLines(home.resolve("pgdata/postmaster.pid"));
            return lines.isEmpty()
                    ? Optional.empty()
                    : Optional.of(Long.parseLong(lines.get(0).trim()));
        } catch (IOException | NumberFormatException ex) {
            return Optional.empty();
        }
    }

    private static String commandLine(long pid) throws IOException {
        return String.join(
                " ",
                List.of(Files.readString(Path.of("/proc", String.valueOf(pid), "cmdline"), StandardCharsets.UTF_8)
                        .split("\0")));
    }

    private static List<String> environment(long pid) throws IOException {
        return List.of(Files.readString(Path.of("/proc", String.valueOf(pid), "environ"), StandardCharsets.UTF_8)
                .split("\0"));
    }

    private static String logTails() {
        StringBuilder tails = new StringBuilder();
        for (String service : SERVICES) {
            Path log = home.resolve("run").resolve(service + ".log");
            try {
                List<String> lines = Files.readAllLines(log);
                tails.append("\n--- ")
                        .append(service)
                        .append(".log (end)\n")
                        .append(String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size())));
            } catch (IOException ex) {
                tails.append("\n--- no ").append(log);
            }
        }
        return tails.toString();
    }

    private static Path write(Path file, String content) throws IOException {
        Files.createDirectories(file.getParent());
        return Files.writeString(file, content);
    }

    private static void touch(Path file, Instant time) throws IOException {
        Files.setLastModifiedTime(file, FileTime.from(time));
    }
}
