package io.rlsearch.api;

/**
 * A request the library refuses: an unknown name, an out-of-range value, a combination that cannot
 * run. The message is one line naming the problem and what is accepted, fit to show a user as it is
 * (the command line prints it and exits 2).
 */
public class BadRequestException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;

  /** A refusal with a one-line message. */
  public BadRequestException(String message) {
    super(message);
  }
}
