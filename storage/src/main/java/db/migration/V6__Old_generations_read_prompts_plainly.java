package db.migration;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import org.flywaydb.core.api.migration.BaseJavaMigration;
import org.flywaydb.core.api.migration.Context;

/**
 * Generations stored before the prompt syntax existed read their prompts as diffusers does (brackets are text, tokens
 * past the 75th are cut); the default is now AUTOMATIC1111's reading. So that they rerun to the same bytes, every
 * generation without a {@code promptSyntax} gets {@code "plain"}. Saved defaults are left alone: they only shape new
 * requests.
 */
public class V6__Old_generations_read_prompts_plainly extends BaseJavaMigration {
    private static final String NAME = "promptSyntax";

    private final ObjectMapper json = new ObjectMapper();

    @Override
    public void migrate(Context context) throws Exception {
        Connection c = context.getConnection();
        try (Statement s = c.createStatement();
                ResultSet rows = s.executeQuery("SELECT id, parameters FROM generations");
                PreparedStatement update = c.prepareStatement("UPDATE generations SET parameters = ? WHERE id = ?")) {
            while (rows.next()) {
                ObjectNode parameters = (ObjectNode) json.readTree(rows.getString(2));
                if (!parameters.has(NAME)) {
                    parameters.put(NAME, "plain");
                    update.setString(1, json.writeValueAsString(parameters));
                    update.setLong(2, rows.getLong(1));
                    update.executeUpdate();
                }
            }
        }
    }
}
