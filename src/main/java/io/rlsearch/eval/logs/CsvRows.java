package io.rlsearch.eval.logs;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.dataformat.csv.CsvFactory;
import com.fasterxml.jackson.dataformat.csv.CsvParser;
import java.io.BufferedReader;
import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The rows of a CSV file (RFC 4180: comma-separated, double quotes around fields that hold commas,
 * quotes or line breaks, a quote inside one doubled) with the line each starts on, 1-based, the header
 * being line 1. Blank lines are skipped but counted, so line numbers are those an editor shows.
 *
 * <p>Lines are read here, joined while a quoted field is open, and each record's text is parsed by
 * Jackson's CSV module without a schema, so every row comes as its list of fields, however many.
 */
final class CsvRows implements Closeable {
  private static final CsvFactory FACTORY = new CsvFactory();

  /** One row: the line it starts on and its fields as text. */
  record Row(long line, List<String> fields) {}

  private final Path file;
  private final BufferedReader in;
  private long line;

  private CsvRows(Path file, BufferedReader in) {
    this.file = file;
    this.in = in;
  }

  static CsvRows open(Path file) {
    try {
      return new CsvRows(file, Files.newBufferedReader(file, StandardCharsets.UTF_8));
    } catch (NoSuchFileException e) {
      throw new LogFormatException(file + ": no such file");
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file, e);
    }
  }

  /** The next row, or null at the end of the file. */
  Row next() {
    try {
      String text = in.readLine();
      line++;
      while (text != null && text.isBlank()) {
        text = in.readLine();
        line++;
      }
      if (text == null) {
        return null;
      }
      long start = line;
      StringBuilder record = new StringBuilder(text);
      while (quotes(record) % 2 == 1) {
        String more = in.readLine();
        if (more == null) {
          throw new LogFormatException(file + " line " + start + ": a quoted field is not closed before the end"
              + " of the file");
        }
        line++;
        record.append('\n').append(more);
      }
      return new Row(start, fields(record.toString(), start));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file, e);
    }
  }

  private static long quotes(CharSequence s) {
    return s.chars().filter(c -> c == '"').count();
  }

  private List<String> fields(String record, long start) throws IOException {
    try (CsvParser parser = FACTORY.createParser(record)) {
      List<String> fields = new ArrayList<>();
      if (parser.nextToken() != JsonToken.START_ARRAY) {
        throw new LogFormatException(file + " line " + start + ": not CSV text");
      }
      for (JsonToken t = parser.nextToken(); t != JsonToken.END_ARRAY && t != null; t = parser.nextToken()) {
        fields.add(parser.getText());
      }
      return fields;
    } catch (JsonProcessingException e) {
      throw new LogFormatException(file + " line " + start + ": not CSV text (" + e.getOriginalMessage()
          + "); fields with commas, quotes or line breaks are written in double quotes, a quote inside one doubled");
    }
  }

  @Override
  public void close() {
    try {
      in.close();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot close " + file, e);
    }
  }
}
