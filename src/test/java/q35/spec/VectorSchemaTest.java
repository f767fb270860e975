package q35.spec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** Every vector file validates against q35_vectors_schema.json, with unique tcIds and known flags. */
class VectorSchemaTest {

  @Test
  void everyFileMatchesTheSchema() throws IOException {
    Path dir = VectorFilesTest.vectorDir();
    ObjectMapper mapper = new ObjectMapper();
    JsonSchema schema = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012)
        .getSchema(mapper.readTree(dir.resolve("q35_vectors_schema.json").toFile()));
    List<Path> files;
    try (Stream<Path> s = Files.list(dir)) {
      files = s.filter(p -> p.toString().endsWith(".json") && !p.toString().contains("schema"))
          .toList();
    }
    assertEquals(6, files.size());
    for (Path f : files) {
      JsonNode root = mapper.readTree(f.toFile());
      Set<ValidationMessage> errors = schema.validate(root);
      assertTrue(errors.isEmpty(), f + ": " + errors);
      Set<Integer> ids = new HashSet<>();
      int count = 0;
      for (JsonNode g : root.get("testGroups")) {
        for (JsonNode t : g.get("tests")) {
          assertTrue(ids.add(t.get("tcId").asInt()), f + ": duplicate tcId " + t.get("tcId"));
          for (JsonNode flag : t.get("flags")) {
            assertTrue(root.get("notes").has(flag.asText()), f + ": flag without a note: " + flag);
          }
          count++;
        }
      }
      assertEquals(root.get("numberOfTests").asInt(), count, f + ": numberOfTests");
    }
  }

  @Test
  void theSchemaRejectsAMalformedVector() throws IOException {
    ObjectMapper mapper = new ObjectMapper();
    JsonSchema schema = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012)
        .getSchema(mapper.readTree(
            VectorFilesTest.vectorDir().resolve("q35_vectors_schema.json").toFile()));
    JsonNode bad = mapper.readTree("{\"algorithm\":\"q35-pair-code\",\"schema\":"
        + "\"q35_vectors_schema.json\",\"specVersion\":\"1.0\",\"numberOfTests\":1,\"notes\":{},"
        + "\"testGroups\":[{\"type\":\"PairCodeTest\",\"tests\":[{\"tcId\":1,\"comment\":\"\","
        + "\"flags\":[],\"result\":\"invalid\",\"hi\":9,\"lo\":0}]}]}");
    assertFalse(schema.validate(bad).isEmpty(), "an invalid result without an error code");
  }
}
