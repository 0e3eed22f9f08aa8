package io.rlsearch.serving;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import org.junit.jupiter.api.Test;

/** What a client sent, written on one line, and written so that it cannot be mistaken for an escape. */
class OneLineTest {
  @Test
  void textThatFitsOneLineIsReturnedAsItIs() {
    String plain = "decision 42: price 1.5";
    assertSame(plain, OneLine.of(plain));
  }

  @Test
  void lineBreaksAndControlCharactersAreWrittenAsEscapes() {
    assertEquals("a\\nb\\rc\\td\\u0000e\\u2028f\\u2029g", OneLine.of("a\nb\rc\td\u0000e\u2028f\u2029g"));
  }

  /** A client sending a backslash and an n must not read the same as one sending a line break. */
  @Test
  void aBackslashIsEscapedSoThatEscapesStayUnambiguous() {
    assertEquals("a\\\\nb", OneLine.of("a\\nb"));
    assertNotEquals(OneLine.of("a\\nb"), OneLine.of("a\nb"));
  }
}
