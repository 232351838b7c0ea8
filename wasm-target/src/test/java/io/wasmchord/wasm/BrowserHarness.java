package io.wasmchord.wasm;

import com.microsoft.playwright.Browser;
import com.microsoft.playwright.BrowserType;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.Playwright;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Headless Chromium (the system's: no browser download) on a page served from 127.0.0.1 that can import
 * the npm package (/pkg/chord.js) and fetch the shared models (/models/...). Close it when done.
 */
final class BrowserHarness implements AutoCloseable {
    private static final String PAGE = "<!doctype html><meta charset=utf-8><title>wasm-chord</title>";

    private final HttpServer server;
    private final Playwright playwright;
    private final Browser browser;
    final Page page;

    private BrowserHarness(Path chromium, Path npmDirectory, Path modelsDirectory, Path extraDir) throws IOException {
        Path models = modelsDirectory.toAbsolutePath();
        Path npmDir = npmDirectory.toAbsolutePath();
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", ex -> {
            String path = ex.getRequestURI().getPath();
            if (path.equals("/")) {
                send(ex, 200, "text/html", PAGE.getBytes(StandardCharsets.UTF_8));
            } else if (path.startsWith("/pkg/")) {
                sendFile(ex, npmDir, path.substring("/pkg/".length()));
            } else if (path.startsWith("/extra/") && extraDir != null) {
                sendFile(ex, extraDir.toAbsolutePath(), path.substring("/extra/".length()));
            } else if (path.startsWith("/models/")) {
                sendFile(ex, models, path.substring("/models/".length()));
            } else {
                send(ex, 404, "text/plain", new byte[0]);
            }
        });
        server.start();
        playwright = Playwright.create(new Playwright.CreateOptions()
                .setEnv(Map.of("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1")));
        browser = playwright.chromium().launch(new BrowserType.LaunchOptions()
                .setExecutablePath(chromium)
                .setHeadless(true)
                .setArgs(List.of("--no-sandbox")));
        page = newPage();
    }

    /** Another page of the same origin, with nothing loaded yet. */
    Page newPage() {
        Page p = browser.newPage();
        p.navigate("http://127.0.0.1:" + server.getAddress().getPort() + "/");
        return p;
    }

    /** The harness, or null where no Chromium is installed (CHORD_CHROMIUM, or /usr/bin/chromium). */
    static BrowserHarness openOrNull(Path npmDir, Path models) throws IOException {
        return openOrNull(npmDir, models, null);
    }

    /** As {@link #openOrNull(Path, Path)}; {@code extraDir} is served under /extra/ (benchmark models). */
    static BrowserHarness openOrNull(Path npmDir, Path models, Path extraDir) throws IOException {
        String configured = System.getenv("CHORD_CHROMIUM");
        Path chromium = Path.of(configured != null ? configured : "/usr/bin/chromium");
        if (!Files.isExecutable(chromium)) {
            return null;
        }
        return new BrowserHarness(chromium, npmDir, models, extraDir);
    }

    String browserVersion() {
        return browser.version();
    }

    private static void sendFile(HttpExchange ex, Path root, String relative) throws IOException {
        Path file = root.resolve(relative).normalize();
        if (!file.startsWith(root.normalize()) || !Files.isRegularFile(file)) {
            send(ex, 404, "text/plain", new byte[0]);
            return;
        }
        String name = file.getFileName().toString();
        String type = name.endsWith(".js") ? "text/javascript"
                : name.endsWith(".wasm") ? "application/wasm"
                : name.endsWith(".json") ? "application/json" : "application/octet-stream";
        ex.getResponseHeaders().set("Content-Type", type);
        ex.sendResponseHeaders(200, Files.size(file));
        try (OutputStream out = ex.getResponseBody()) {
            Files.copy(file, out); // streamed: models may be larger than a Java array
        }
    }

    private static void send(HttpExchange ex, int status, String type, byte[] body) throws IOException {
        ex.getResponseHeaders().set("Content-Type", type);
        ex.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(body);
        }
    }

    @Override
    public void close() {
        try {
            browser.close();
            playwright.close();
        } finally {
            server.stop(0);
        }
    }
}
