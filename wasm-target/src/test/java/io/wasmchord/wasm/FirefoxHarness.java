package io.wasmchord.wasm;

import io.wasmchord.json.Json;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Headless Firefox (the system's firefox-esr) without a driver: Playwright drives only its own patched
 * Firefox, which cannot be downloaded here. Firefox opens a page that asks this server for scripts to run
 * (a long poll on /job) and posts each result back (/result), so a test runs scripts in it as it does
 * with Playwright's page.evaluate.
 */
final class FirefoxHarness implements AutoCloseable {
    private static final String STOP = "stop";
    private static final String DRIVER = """
            <!doctype html><meta charset=utf-8><title>wasm-chord firefox driver</title>
            <script type=module>
            const post = (r) => fetch("/result", { method: "POST", body: JSON.stringify(r) });
            await post({ ok: true, value: navigator.userAgent });
            for (;;) {
              const job = await (await fetch("/job")).json();
              if (job === "stop") break;
              try {
                const f = (0, eval)("(" + job.script + ")");
                await post({ ok: true, value: await f(job.arg) });
              } catch (e) {
                await post({ ok: false, error: String(e && e.stack ? e + "\\n" + e.stack : e) });
              }
            }
            </script>
            """;

    private final TestServer server;
    private final Path profile;
    private final Process firefox;
    private final BlockingQueue<String> jobs = new LinkedBlockingQueue<>();
    private final BlockingQueue<String> results = new LinkedBlockingQueue<>();
    private final String userAgent;

    private FirefoxHarness(Path binary, Path npmDir, Path models) throws IOException {
        server = new TestServer(npmDir, models, null);
        server.route("/driver", ex -> TestServer.send(ex, 200, "text/html", DRIVER.getBytes(StandardCharsets.UTF_8)));
        server.route("/job", ex -> {
            try {
                String job = jobs.poll(10, TimeUnit.MINUTES);
                TestServer.send(ex, 200, "application/json",
                        (job == null ? Json.write(STOP) : job).getBytes(StandardCharsets.UTF_8));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        server.route("/result", ex -> {
            results.add(new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            TestServer.send(ex, 200, "text/plain", new byte[0]);
        });
        profile = Files.createTempDirectory("chord-firefox-");
        Path log = Path.of("target", "firefox.log");
        firefox = new ProcessBuilder(binary.toString(), "--headless", "--no-remote", "--profile", profile.toString(),
                server.url("/driver"))
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
        userAgent = (String) next(60);
    }

    /** The harness, or null where no Firefox is installed (CHORD_FIREFOX, /usr/bin/firefox-esr, /usr/bin/firefox). */
    static FirefoxHarness openOrNull(Path npmDir, Path models) throws IOException {
        String configured = System.getenv("CHORD_FIREFOX");
        for (String candidate : configured != null ? new String[] {configured}
                : new String[] {"/usr/bin/firefox-esr", "/usr/bin/firefox"}) {
            if (Files.isExecutable(Path.of(candidate))) {
                return new FirefoxHarness(Path.of(candidate), npmDir, models);
            }
        }
        return null;
    }

    /** Runs {@code script} (a JavaScript function of one argument, maybe async) on {@code arg} in the page. */
    Object evaluate(String script, Object arg) {
        jobs.add(Json.write(Map.of("script", script, "arg", arg)));
        return next(600);
    }

    String browserVersion() {
        int at = userAgent.indexOf("Firefox/");
        return at < 0 ? userAgent : userAgent.substring(at + "Firefox/".length());
    }

    private Object next(int seconds) {
        String text;
        try {
            text = results.poll(seconds, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        if (text == null) {
            throw new IllegalStateException("Firefox answered nothing in " + seconds + " s"
                    + (firefox.isAlive() ? "" : " (it exited with " + firefox.exitValue() + "; see target/firefox.log)"));
        }
        Map<?, ?> result = (Map<?, ?>) Json.parse(text, "Firefox's answer");
        if (!Boolean.TRUE.equals(result.get("ok"))) {
            throw new AssertionError("in Firefox: " + result.get("error"));
        }
        return result.get("value");
    }

    @Override
    public void close() {
        jobs.add(Json.write(STOP));
        try {
            firefox.destroy();
            if (!firefox.waitFor(10, TimeUnit.SECONDS)) {
                firefox.destroyForcibly();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            server.close();
            try (Stream<Path> files = Files.walk(profile)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            } catch (IOException ignored) {
                // a temporary directory left behind
            }
        }
    }
}
