package q35.backend;

/**
 * {@code y = W x} in float32 for a row-major n x k matrix: the float32 comparison point of the
 * speed benchmarks ({@code q35 bench matvec}). Its order of additions is the backend's own, not
 * the float reference transformer's (q35.llama.FloatLinear), so inference never uses it.
 */
@FunctionalInterface
public interface FloatMatvec {
  void apply(float[] w, int n, int k, float[] x, float[] y);
}
