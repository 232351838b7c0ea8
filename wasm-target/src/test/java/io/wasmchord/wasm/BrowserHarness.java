package io.wasmchord.wasm;

import com.microsoft.playwright.Browser;
import com.microsoft.playwright.BrowserType;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.Playwright;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Headless Chromium (the system's: no browser download) on a page served from 127.0.0.1 that can import
 * the npm package (/pkg/chord.js) and fetch the shared models (/models/...). Close it when done.
 */
final class BrowserHarness implements AutoCloseable {
    private final TestServer server;
    private final Playwright playwright;
    private final Browser browser;
    final Page page;

    private BrowserHarness(Path chromium, Path npmDirectory, Path modelsDirectory, Path extraDir) throws IOException {
        server = new TestServer(npmDirectory, modelsDirectory, extraDir);
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
        p.navigate(server.url("/"));
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

    @Override
    public void close() {
        try {
            browser.close();
            playwright.close();
        } finally {
            server.close();
        }
    }
}
