package io.wasmchord.wasm;

import static org.junit.jupiter.api.Assertions.fail;

import com.microsoft.playwright.Page;
import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;

/** {@link BrowserParityChecks} in headless Chromium (the system's), driven by Playwright for Java. */
class BrowserParityIT extends BrowserParityChecks {
    private BrowserHarness browser;

    @BeforeAll
    void openChromium() throws IOException {
        Path npm = Path.of(System.getProperty("chord.npm.dir", "target/npm"));
        browser = BrowserHarness.openOrNull(npm, JvmTokensTest.models());
        if (browser == null) {
            String message = "no Chromium (set CHORD_CHROMIUM or install Debian's chromium): browser parity not checked";
            if ("required".equals(System.getProperty("chord.browser"))) {
                fail(message);
            }
            System.err.println("WARNING: " + message);
            Assumptions.abort(message);
        }
    }

    @AfterAll
    void closeChromium() {
        if (browser != null) {
            browser.close();
        }
    }

    @Override
    Object run(String script, Object arg) {
        return browser.page.evaluate(script, arg);
    }

    @Override
    Object runInFreshPage(String script, Object arg) {
        Page page = browser.newPage();
        try {
            return page.evaluate(script, arg);
        } finally {
            page.close();
        }
    }

    @Override
    String browserName() {
        return "Chromium " + browser.browserVersion();
    }
}
