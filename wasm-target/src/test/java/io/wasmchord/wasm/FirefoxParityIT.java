package io.wasmchord.wasm;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;

/**
 * {@link BrowserParityChecks} in headless Firefox (Debian's firefox-esr, or CHORD_FIREFOX), run through
 * {@link FirefoxHarness}. Skipped, with a warning, where no Firefox is installed; -Dchord.firefox=required
 * makes that a failure.
 */
class FirefoxParityIT extends BrowserParityChecks {
    private FirefoxHarness firefox;

    @BeforeAll
    void openFirefox() throws IOException {
        Path npm = Path.of(System.getProperty("chord.npm.dir", "target/npm"));
        firefox = FirefoxHarness.openOrNull(npm, JvmTokensTest.models());
        if (firefox == null) {
            String message = "no Firefox (set CHORD_FIREFOX or install Debian's firefox-esr): Firefox parity not checked";
            if ("required".equals(System.getProperty("chord.firefox"))) {
                fail(message);
            }
            System.err.println("WARNING: " + message);
            Assumptions.abort(message);
        }
    }

    @AfterAll
    void closeFirefox() {
        if (firefox != null) {
            firefox.close();
        }
    }

    @Override
    Object run(String script, Object arg) {
        return firefox.evaluate(script, arg);
    }

    @Override
    String browserName() {
        return "Firefox " + firefox.browserVersion();
    }
}
