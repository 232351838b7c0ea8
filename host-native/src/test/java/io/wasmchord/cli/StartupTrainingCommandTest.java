package io.wasmchord.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** The workload the launcher records its startup cache from must keep running (else chord silently starts slower). */
class StartupTrainingCommandTest {
    @Test
    void runsToTheEnd() {
        assertEquals(0, Chord.run(new String[] {"startup-training"}));
        assertEquals(2, Chord.run(new String[] {"startup-training", "extra"}));
    }
}
