using Microsoft.Data.Sqlite;

namespace Timeline.StorageService.Tests;

/// <summary>Runs one of the service's SQL statements by hand, binding those of the named values it takes.</summary>
internal static class SqliteStatements
{
    public static object? Execute(SqliteConnection connection, string sql, IReadOnlyDictionary<string, object?>? values = null)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        foreach (var (name, value) in values ?? new Dictionary<string, object?>())
        {
            if (sql.Contains("@" + name, StringComparison.Ordinal))
            {
                command.Parameters.AddWithValue("@" + name, value ?? DBNull.Value);
            }
        }

        return command.ExecuteScalar();
    }
}
