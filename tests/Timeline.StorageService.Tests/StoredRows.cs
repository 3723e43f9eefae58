using Microsoft.Data.Sqlite;
using Npgsql;
using Timeline.Tests.Shared;

namespace Timeline.StorageService.Tests;

/// <summary>
/// A stored revision's body, read or replaced in the database behind a running service, on either
/// backend: how a test puts a body there that the service's writers would not write (fields of a
/// later version, id fields, damaged bytes).
/// </summary>
internal static class StoredRows
{
    private const string ReadBody = "SELECT body FROM revisions WHERE position = @Position";

    private const string WriteBody = "UPDATE revisions SET body = @Body WHERE position = @Position";

    public static async Task<byte[]> ReadBodyAsync(StorageDatabase database, long position)
    {
        await using var connection = await OpenAsync(database);
        await using var command = connection.CreateCommand();
        command.CommandText = ReadBody;
        AddParameter(command, "Position", position);
        return (byte[])(await command.ExecuteScalarAsync(TestContext.Current.CancellationToken) ?? throw new InvalidOperationException($"no revision at position {position}"));
    }

    public static async Task WriteBodyAsync(StorageDatabase database, long position, byte[] body)
    {
        await using var connection = await OpenAsync(database);
        await using var command = connection.CreateCommand();
        command.CommandText = WriteBody;
        AddParameter(command, "Position", position);
        AddParameter(command, "Body", body);
        Assert.Equal(1, await command.ExecuteNonQueryAsync(TestContext.Current.CancellationToken));
    }

    private static async Task<System.Data.Common.DbConnection> OpenAsync(StorageDatabase database)
    {
        System.Data.Common.DbConnection connection = database.Backend == StorageBackend.Postgres
            ? new NpgsqlConnection(database.ConnectionString)
            : new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = database.SqlitePath, Pooling = false }.ToString());
        await connection.OpenAsync(TestContext.Current.CancellationToken);
        return connection;
    }

    private static void AddParameter(System.Data.Common.DbCommand command, string name, object value)
    {
        var parameter = command.CreateParameter();
        parameter.ParameterName = name;
        parameter.Value = value;
        command.Parameters.Add(parameter);
    }
}
