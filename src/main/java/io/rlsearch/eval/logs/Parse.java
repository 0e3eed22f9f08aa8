package io.rlsearch.eval.logs;

/** Field parsing for the readers: a value that does not fit throws {@link Bad} with one line. */
final class Parse {
  private Parse() {}

  /** A row that cannot be read; the message says which field and why. */
  static final class Bad extends Exception {
    private static final long serialVersionUID = 1L;

    Bad(String message) {
      super(message, null, false, false);
    }
  }

  static double number(String column, String text) throws Bad {
    double v;
    try {
      v = Double.parseDouble(text.trim());
    } catch (NumberFormatException e) {
      throw new Bad(column + " is '" + shorten(text) + "', not a number");
    }
    if (!Double.isFinite(v)) {
      throw new Bad(column + " is '" + shorten(text) + "', not a finite number");
    }
    return v;
  }

  static int integer(String column, String text) throws Bad {
    try {
      return Integer.parseInt(text.trim());
    } catch (NumberFormatException e) {
      throw new Bad(column + " is '" + shorten(text) + "', not an integer");
    }
  }

  /** A propensity: a number in (0, 1]. */
  static double propensity(String column, String text) throws Bad {
    return propensity(column, number(column, text));
  }

  static double propensity(String column, double p) throws Bad {
    if (!(p > 0 && p <= 1)) {
      throw new Bad(column + " is " + p + ", not in (0, 1]");
    }
    return p;
  }

  /** A click: 0 or 1 (written as an integer or as 0.0 / 1.0). */
  static int click(String column, String text) throws Bad {
    return click(column, number(column, text));
  }

  static int click(String column, double v) throws Bad {
    if (v != 0 && v != 1) {
      throw new Bad(column + " is " + v + ", not 0 or 1");
    }
    return (int) v;
  }

  static String shorten(String text) {
    return text.length() <= 40 ? text : text.substring(0, 37) + "...";
  }
}
