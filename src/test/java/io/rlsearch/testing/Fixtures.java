package io.rlsearch.testing;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/** Reads the committed golden fixtures: lines {@code case<TAB>v1,v2,...}, '#' for comments. */
public final class Fixtures {
  private Fixtures() {}

  /** All cases of a fixture file on the test classpath, in file order. */
  public static Map<String, String[]> load(String resource) {
    Map<String, String[]> out = new LinkedHashMap<>();
    try (InputStream in = Fixtures.class.getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException("missing fixture " + resource);
      }
      BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
      String line;
      while ((line = r.readLine()) != null) {
        if (line.isEmpty() || line.startsWith("#")) {
          continue;
        }
        int tab = line.indexOf('\t');
        out.put(line.substring(0, tab), line.substring(tab + 1).split(","));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out;
  }
}
