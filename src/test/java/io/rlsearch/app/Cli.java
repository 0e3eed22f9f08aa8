package io.rlsearch.app;

import java.io.PrintWriter;
import java.io.StringWriter;

/** Runs a command in-process, as `./rlsearch` would, capturing its exit code, stdout and stderr. */
final class Cli {
  private Cli() {}

  /** What a command did. */
  record Run(int code, String out, String err) {}

  /** Runs {@code args} through the command line. */
  static Run run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = Main.execute(args, new PrintWriter(out, true), new PrintWriter(err, true));
    return new Run(code, out.toString(), err.toString());
  }
}
