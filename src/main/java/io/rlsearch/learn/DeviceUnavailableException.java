package io.rlsearch.learn;

/** A learner was asked for a device this machine does not have; the message is one line for a user. */
public final class DeviceUnavailableException extends IllegalStateException {
  private static final long serialVersionUID = 1L;

  DeviceUnavailableException(String message) {
    super(message);
  }
}
