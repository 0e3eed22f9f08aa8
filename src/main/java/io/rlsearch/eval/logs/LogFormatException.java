package io.rlsearch.eval.logs;

/**
 * A logged-data file that cannot be read at all: missing, a header that does not match its layout, or
 * text that is not CSV. The message is one line naming the file and what is expected. Single bad rows
 * are not exceptions: they are counted in {@link BadRows}.
 */
public final class LogFormatException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  LogFormatException(String message) {
    super(message);
  }
}
