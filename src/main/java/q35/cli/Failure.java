package q35.cli;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import picocli.CommandLine;

/**
 * How the CLI reports a refused input: one line on standard error, {@code q35 <command>:
 * <what>}, never a stack trace; the status is the commands' own convention, 2 for a bad argument
 * (as picocli's usage errors) and 1 for a file that cannot be read or is malformed. Java's
 * file-system exceptions carry only the path as their message; {@link #describe} says what went
 * wrong with it. {@code -Dq35.trace=true} keeps the stack trace, for debugging.
 */
final class Failure implements CommandLine.IExecutionExceptionHandler {

  /** Exit status of a bad argument. */
  static final int BAD_ARGUMENT = 2;
  /** Exit status of an input file that cannot be read or is malformed. */
  static final int BAD_FILE = 1;

  /** A one-line description of {@code e} for a user. */
  static String describe(Exception e) {
    if (e instanceof NoSuchFileException f) {
      return "no such file: " + f.getFile();
    }
    if (e instanceof NotDirectoryException f) {
      return "not a directory: " + f.getFile();
    }
    if (e instanceof AccessDeniedException f) {
      return "permission denied: " + f.getFile();
    }
    if (e instanceof FileSystemException f && f.getReason() != null) {
      return f.getFile() + ": " + f.getReason();
    }
    String message = e.getMessage();
    return message != null ? message : e.getClass().getSimpleName();
  }

  /**
   * Input errors that reach picocli (a missing file, a malformed file, a bad argument) print
   * one line; anything else is a bug and keeps picocli's stack trace.
   */
  @Override
  public int handleExecutionException(Exception e, CommandLine command,
      CommandLine.ParseResult parsed) throws Exception {
    if (!(e instanceof IOException || e instanceof IllegalArgumentException)
        || Boolean.getBoolean("q35.trace")) {
      throw e;
    }
    command.getErr().println(command.getCommandSpec().qualifiedName() + ": " + describe(e));
    return e instanceof IOException ? BAD_FILE : BAD_ARGUMENT;
  }
}
