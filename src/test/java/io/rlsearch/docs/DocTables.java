package io.rlsearch.docs;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Reads the first Markdown table under a page's title whose header starts with a given cell. */
final class DocTables {
  private DocTables() {}

  /** The rows of the table whose first header cell is {@code first}, keyed by their first cell (backticks dropped). */
  static Map<String, List<String>> table(Path page, String first) throws IOException {
    Map<String, List<String>> rows = new LinkedHashMap<>();
    boolean in = false;
    for (String line : Files.readAllLines(page)) {
      if (!line.startsWith("|")) {
        if (in) {
          break;
        }
        continue;
      }
      List<String> cells = cells(line);
      if (!in) {
        in = cells.get(0).equals(first);
        continue;
      }
      if (cells.get(0).startsWith("---")) {
        continue;
      }
      rows.put(cells.get(0).replace("`", ""), cells.subList(1, cells.size()));
    }
    if (rows.isEmpty()) {
      throw new AssertionError(page + ": no table whose header starts with '" + first + "'");
    }
    return rows;
  }

  static List<String> cells(String line) {
    String s = line.strip();
    s = s.substring(1, s.endsWith("|") ? s.length() - 1 : s.length());
    List<String> out = new ArrayList<>();
    for (String c : s.split("(?<!\\\\)\\|", -1)) {
      out.add(c.strip());
    }
    return out;
  }
}
