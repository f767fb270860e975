package java.lang;

/**
 * Declaration-only copy of the JDK's {@code java.lang.SuppressWarnings}, for KeY's class path
 * only (q35.verify.KeyProver, {@code q35 prove --class-path}). KeY 2.12.3's Java model has no
 * such type, so without it the kernel's method-level {@code @SuppressWarnings("index:...")}
 * (Index Checker suppressions, spec/verification.md section 4) stop KeY's load with "Could not
 * resolve TypeReference". Not compiled by Maven: this folder is no source root.
 */
public @interface SuppressWarnings {
  /** The warnings to suppress. */
  String[] value();
}
