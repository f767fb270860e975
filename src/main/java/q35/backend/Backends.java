package q35.backend;

import java.util.ArrayList;
import java.util.List;
import java.util.ServiceLoader;

/** The backends on the class path ({@code META-INF/services/q35.backend.Backend}), by name. */
public final class Backends {

  /** The backend used when none is named: the verified kernel. */
  public static final String DEFAULT = ReferenceBackend.NAME;

  private Backends() {}

  /** Every backend found, in class-path order. */
  public static List<Backend> all() {
    List<Backend> list = new ArrayList<>();
    for (Backend b : ServiceLoader.load(Backend.class, Backends.class.getClassLoader())) {
      list.add(b);
    }
    return list;
  }

  /**
   * The backend called {@code name}.
   *
   * Where it cannot run here and names a {@link Backend#fallback()}, that backend, after a
   * line on standard error saying why.
   *
   * @throws IllegalArgumentException naming the known backends if there is none, or saying why
   *     it cannot run here
   */
  public static Backend named(String name) {
    List<String> names = new ArrayList<>();
    for (Backend b : all()) {
      if (b.name().equals(name)) {
        String why = b.unavailableReason();
        String instead = b.fallback();
        if (why != null && instead != null && !instead.equals(name)) {
          System.err.println("backend '" + name + "' cannot run here: " + why + "; using '"
              + instead + "' instead");
          return named(instead);
        }
        if (why != null) {
          throw new IllegalArgumentException("backend '" + name + "' cannot run here: " + why);
        }
        return b;
      }
      names.add(b.name());
    }
    throw new IllegalArgumentException("unknown backend '" + name + "' (known: "
        + String.join(", ", names) + ")");
  }
}
