package db.migration;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.LinkedHashMap;
import java.util.Map;
import org.flywaydb.core.api.migration.BaseJavaMigration;
import org.flywaydb.core.api.migration.Context;

/**
 * Moves a generation's parameters, and a user's or chat's saved defaults, from one column each into one JSON object
 * named by the engine request's parameter names, so a new parameter needs no new column. Every old value is carried
 * over as it was (a null column leaves the name out), so a rerun of an old generation is the same request as before.
 */
public class V5__Parameters_as_json extends BaseJavaMigration {
    /** Old generation columns and the parameter names they become, in the engine request's order. */
    private static final Map<String, String> GENERATION_COLUMNS = names(
            "prompt", "prompt", "negative_prompt", "negativePrompt", "seed", "seed", "sampler", "sampler",
            "steps", "steps", "guidance", "guidance", "width", "width", "height", "height", "image_count", "count",
            "strength", "strength", "subseed", "subseed", "subseed_strength", "subseedStrength",
            "upscale", "upscale", "hires_strength", "hiresStrength");
    /** Old settings columns and their parameter names. */
    private static final Map<String, String> SETTINGS_COLUMNS = names(
            "negative_prompt", "negativePrompt", "sampler", "sampler", "steps", "steps", "width", "width",
            "height", "height");

    private final ObjectMapper json = new ObjectMapper();

    @Override
    public void migrate(Context context) throws Exception {
        Connection c = context.getConnection();
        convert(c, "generations", "id", GENERATION_COLUMNS);
        convert(c, "user_settings", "user_id", SETTINGS_COLUMNS);
        convert(c, "channel_settings", "platform, channel_id", SETTINGS_COLUMNS);
    }

    private void convert(Connection c, String table, String key, Map<String, String> columns)
            throws SQLException, JsonProcessingException {
        String[] keys = key.split(", ");
        try (Statement s = c.createStatement()) {
            s.execute("ALTER TABLE " + table + " ADD COLUMN parameters VARCHAR(100000)");
        }
        String where = String.join(" AND ", java.util.Arrays.stream(keys).map(k -> k + " = ?").toList());
        try (Statement s = c.createStatement();
                ResultSet rows = s.executeQuery("SELECT " + key + ", " + String.join(", ", columns.keySet())
                        + " FROM " + table);
                PreparedStatement update = c.prepareStatement("UPDATE " + table + " SET parameters = ? WHERE "
                        + where)) {
            while (rows.next()) {
                Map<String, Object> values = new LinkedHashMap<>();
                int i = keys.length + 1;
                for (String name : columns.values()) {
                    Object value = rows.getObject(i++);
                    if (value != null) {
                        values.put(name, value);
                    }
                }
                update.setString(1, json.writeValueAsString(values));
                for (int k = 0; k < keys.length; k++) {
                    update.setObject(k + 2, rows.getObject(k + 1));
                }
                update.executeUpdate();
            }
        }
        try (Statement s = c.createStatement()) {
            s.execute("ALTER TABLE " + table + " ALTER COLUMN parameters SET NOT NULL");
            for (String column : columns.keySet()) {
                s.execute("ALTER TABLE " + table + " DROP COLUMN " + column);
            }
        }
    }

    private static Map<String, String> names(String... pairs) {
        Map<String, String> names = new LinkedHashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            names.put(pairs[i], pairs[i + 1]);
        }
        return names;
    }
}
