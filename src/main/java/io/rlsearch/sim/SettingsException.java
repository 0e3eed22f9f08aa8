package io.rlsearch.sim;

/**
 * A configuration value that cannot be accepted; the message is one line naming the key, the value
 * and what is accepted, fit to show a user as it is.
 */
public final class SettingsException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;

  /** An error about {@code key}. */
  public SettingsException(String key, String problem) {
    super("config: " + key + ": " + problem);
  }

  /** An error that names no key (a file that does not parse). */
  public SettingsException(String problem) {
    super("config: " + problem);
  }
}
