package io.rlsearch.serving;

/**
 * A request the data plane refuses: the HTTP status to answer with and one line naming the field and
 * what is accepted.
 */
public final class BadInput extends RuntimeException {
  private static final long serialVersionUID = 1L;
  private final int status;

  /** A refusal with {@code status} (a 4xx) and {@code message}. */
  public BadInput(int status, String message) {
    super(message, null, false, false);
    if (status < 400 || status > 499) {
      throw new IllegalArgumentException("a refusal is a 4xx, got " + status);
    }
    this.status = status;
  }

  /** A 400 with {@code message}. */
  public static BadInput of(String message) {
    return new BadInput(400, message);
  }

  /** The HTTP status. */
  public int status() {
    return status;
  }
}
