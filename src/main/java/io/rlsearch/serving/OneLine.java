package io.rlsearch.serving;

/**
 * Text from a request made fit for one line of an error or a log: line breaks, other control characters
 * and the Unicode line and paragraph separators (U+2028, U+2029) written as JSON writes them (a
 * backslash and {@code n}, {@code r} or {@code t}, else a backslash, {@code u} and four hex digits;
 * a backslash itself as two), so that a value a client sent can neither split an error into several
 * lines nor forge a line of the server's log, and an escape always means what was sent.
 */
public final class OneLine {
  private OneLine() {}

  /** {@code text} with every character that would break its line written as an escape. */
  public static String of(String text) {
    StringBuilder b = null;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      boolean breaks = Character.isISOControl(c) || c == '\u2028' || c == '\u2029' || c == '\\';
      if (breaks && b == null) {
        b = new StringBuilder(text.length() + 16).append(text, 0, i);
      }
      if (b != null) {
        if (!breaks) {
          b.append(c);
        } else if (c == '\\') {
          b.append("\\\\");
        } else if (c == '\n') {
          b.append("\\n");
        } else if (c == '\r') {
          b.append("\\r");
        } else if (c == '\t') {
          b.append("\\t");
        } else {
          b.append(String.format("\\u%04x", (int) c));
        }
      }
    }
    return b == null ? text : b.toString();
  }
}
