package io.wasmchord.cli;

/** One {@code chord} subcommand. */
interface Command {
    String name();

    /** One line for the command list. */
    String summary();

    /** The full --help text: usage line, then options. */
    String help();

    /** Runs the command; returns the process exit code. */
    int run(Args args) throws Exception;
}
