package io.rlsearch.hostile;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;

/**
 * A bare HTTP/1.1 client on a socket, one connection a request ({@code Connection: close}): it sends
 * what a library client would refuse (any content type or none, invalid bytes, a body shorter than its
 * {@code Content-Length}, chunks without a length) and reads the answer while the body is still being
 * written, so a server that answers a huge body early is seen answering, not as a broken pipe.
 */
final class RawHttp {
  /** How the body is framed. */
  enum Framing {
    /** {@code Content-Length} of the body. */
    LENGTH,
    /** {@code Transfer-Encoding: chunked}, 64 KiB chunks. */
    CHUNKED,
    /** A {@code Content-Length} twice the body's, and only the body sent: the rest never comes. */
    SHORT
  }

  /** One answer: the status (0 when none came), its content type and body, or why there is none. */
  record Reply(int status, String contentType, String body, String failure, long millis) {
    boolean answered() {
      return failure == null;
    }
  }

  private final int port;
  private final ExecutorService writers;
  private final long deadlineMs;

  RawHttp(int port, ExecutorService writers, long deadlineMs) {
    this.port = port;
    this.writers = writers;
    this.deadlineMs = deadlineMs;
  }

  Reply send(String method, String path, String contentType, byte[] body, Framing framing) {
    long start = System.nanoTime();
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
      s.setSoTimeout(200);
      StringBuilder head = new StringBuilder(method).append(' ').append(path).append(" HTTP/1.1\r\n")
          .append("Host: 127.0.0.1:").append(port).append("\r\n").append("Connection: close\r\n");
      if (contentType != null) {
        head.append("Content-Type: ").append(contentType).append("\r\n");
      }
      if (body != null) {
        switch (framing) {
          case LENGTH -> head.append("Content-Length: ").append(body.length).append("\r\n");
          case SHORT -> head.append("Content-Length: ").append(2L * body.length + 1).append("\r\n");
          case CHUNKED -> head.append("Transfer-Encoding: chunked\r\n");
        }
      }
      head.append("\r\n");
      OutputStream out = s.getOutputStream();
      byte[] h = head.toString().getBytes(StandardCharsets.ISO_8859_1);
      Future<?> writing = writers.submit(() -> {
        try {
          out.write(h);
          if (body != null) {
            if (framing == Framing.CHUNKED) {
              for (int at = 0; at < body.length; at += 65_536) {
                int n = Math.min(65_536, body.length - at);
                out.write((Integer.toHexString(n) + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
                out.write(body, at, n);
                out.write("\r\n".getBytes(StandardCharsets.ISO_8859_1));
              }
              out.write("0\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
            } else {
              out.write(body);
            }
          }
          out.flush();
        } catch (IOException e) {
          // The server answered (and closed) before it read the whole body: its answer is what counts.
        }
        return null;
      });
      try {
        return read(s.getInputStream(), start);
      } finally {
        writing.cancel(true);
      }
    } catch (IOException e) {
      return new Reply(0, "", "", "no connection: " + e, (System.nanoTime() - start) / 1_000_000);
    }
  }

  private Reply read(InputStream in, long start) throws IOException {
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    byte[] chunk = new byte[65_536];
    long deadline = start + deadlineMs * 1_000_000;
    while (true) {
      int n;
      try {
        n = in.read(chunk);
      } catch (SocketTimeoutException e) {
        if (System.nanoTime() > deadline) {
          return new Reply(0, "", buf.toString(StandardCharsets.UTF_8), "no answer within " + deadlineMs + " ms",
              deadlineMs);
        }
        continue;
      } catch (IOException e) {
        // A reset after the answer was read whole is the server closing early: judge what arrived.
        n = -1;
      }
      if (n > 0) {
        buf.write(chunk, 0, n);
      }
      Reply r = parse(buf.toByteArray(), n < 0, start);
      if (r != null) {
        return r;
      }
      if (n < 0) {
        return new Reply(0, "", buf.toString(StandardCharsets.UTF_8), "the connection closed without a whole answer",
            (System.nanoTime() - start) / 1_000_000);
      }
    }
  }

  /** The answer in {@code b}, or null while it is incomplete. */
  private static Reply parse(byte[] b, boolean closed, long start) {
    String text = new String(b, StandardCharsets.ISO_8859_1);
    int end = text.indexOf("\r\n\r\n");
    if (end < 0) {
      return null;
    }
    String[] lines = text.substring(0, end).split("\r\n");
    String[] status = lines[0].split(" ", 3);
    if (status.length < 2 || !status[0].startsWith("HTTP/1.")) {
      return new Reply(0, "", text, "not an HTTP answer: " + lines[0], 0);
    }
    int code;
    try {
      code = Integer.parseInt(status[1]);
    } catch (NumberFormatException e) {
      return new Reply(0, "", text, "not an HTTP status: " + lines[0], 0);
    }
    long length = -1;
    boolean chunked = false;
    String type = "";
    for (int i = 1; i < lines.length; i++) {
      int colon = lines[i].indexOf(':');
      if (colon < 0) {
        continue;
      }
      String name = lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT);
      String value = lines[i].substring(colon + 1).trim();
      switch (name) {
        case "content-length" -> length = Long.parseLong(value);
        case "transfer-encoding" -> chunked = value.toLowerCase(Locale.ROOT).contains("chunked");
        case "content-type" -> type = value;
        default -> { }
      }
    }
    int from = end + 4;
    byte[] body;
    if (length >= 0) {
      if (b.length - from < length) {
        return null;
      }
      body = java.util.Arrays.copyOfRange(b, from, from + (int) length);
    } else if (chunked) {
      body = dechunk(b, from);
      if (body == null) {
        return closed ? new Reply(code, type, "", "a chunked answer cut short", 0) : null;
      }
    } else {
      if (!closed) {
        return null;
      }
      body = java.util.Arrays.copyOfRange(b, from, b.length);
    }
    return new Reply(code, type, new String(body, StandardCharsets.UTF_8), null,
        (System.nanoTime() - start) / 1_000_000);
  }

  private static byte[] dechunk(byte[] b, int from) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    int at = from;
    while (true) {
      int eol = indexOf(b, at);
      if (eol < 0) {
        return null;
      }
      String size = new String(b, at, eol - at, StandardCharsets.ISO_8859_1).split(";")[0].trim();
      int n = Integer.parseInt(size, 16);
      if (n == 0) {
        return out.toByteArray();
      }
      if (eol + 2 + n + 2 > b.length) {
        return null;
      }
      out.write(b, eol + 2, n);
      at = eol + 2 + n + 2;
    }
  }

  private static int indexOf(byte[] b, int from) {
    for (int i = from; i + 1 < b.length; i++) {
      if (b[i] == '\r' && b[i + 1] == '\n') {
        return i;
      }
    }
    return -1;
  }
}
