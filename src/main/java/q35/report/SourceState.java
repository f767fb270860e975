package q35.report;

import com.google.gson.JsonObject;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Which sources a report describes: the git commit and whether the working tree differed from
 * it (outside verification-reports/, which the report itself writes), and a digest of the
 * files the checks read, so that anyone can tell whether a committed report belongs to the
 * tree it sits in.
 */
final class SourceState {

  /** The files the digest covers, relative to the project folder. */
  static final List<String> COVERED = List.of("pom.xml", "q35", ".ci", "src", "spec", "proofs");

  private SourceState() {}

  static JsonObject of(Path project) throws IOException {
    JsonObject o = new JsonObject();
    String commit = git(project, "rev-parse", "HEAD");
    o.addProperty("gitCommit", commit.isEmpty() ? "unknown" : commit);
    if (!commit.isEmpty()) {
      String status = git(project, "status", "--porcelain", "--", ".",
          ":(exclude)verification-reports");
      o.addProperty("worktree", status.isEmpty() ? "clean" : "modified");
    } else {
      o.addProperty("worktree", "unknown");
    }
    o.addProperty("digest", "sha256:" + digest(project));
    o.addProperty("digestCovers", String.join(", ", COVERED) + " (paths and contents)");
    return o;
  }

  /** SHA-256 over the sorted relative paths and contents of the covered files. */
  static String digest(Path project) throws IOException {
    List<Path> files = new ArrayList<>();
    for (String c : COVERED) {
      Path p = project.resolve(c);
      if (Files.isRegularFile(p)) {
        files.add(p);
      } else if (Files.isDirectory(p)) {
        try (Stream<Path> s = Files.walk(p)) {
          s.filter(Files::isRegularFile).forEach(files::add);
        }
      }
    }
    List<String> rel = new ArrayList<>();
    for (Path f : files) {
      rel.add(project.relativize(f).toString().replace('\\', '/'));
    }
    rel.sort(java.util.Comparator.naturalOrder());
    try {
      MessageDigest md = MessageDigest.getInstance("SHA-256");
      for (String r : rel) {
        md.update(r.getBytes(StandardCharsets.UTF_8));
        md.update((byte) 0);
        md.update(Files.readAllBytes(project.resolve(r)));
        md.update((byte) 0);
      }
      return HexFormat.of().formatHex(md.digest());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The trimmed output of a git command in the project, or "" if git is absent or fails. */
  static String git(Path project, String... args) {
    List<String> cmd = new ArrayList<>(List.of("git", "-C", project.toString()));
    cmd.addAll(List.of(args));
    try {
      Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.DISCARD).start();
      p.getOutputStream().close();
      byte[] out;
      try (InputStream in = p.getInputStream()) {
        out = in.readAllBytes();
      }
      if (!p.waitFor(20, TimeUnit.SECONDS) || p.exitValue() != 0) {
        p.destroy();
        return "";
      }
      return new String(out, StandardCharsets.UTF_8).trim();
    } catch (IOException e) {
      return "";
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "";
    }
  }
}
