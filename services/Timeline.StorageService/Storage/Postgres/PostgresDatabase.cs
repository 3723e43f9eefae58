using System.Net.Sockets;
using Dapper;
using Microsoft.Extensions.Options;
using Npgsql;
using Timeline.Domain.Validation;

namespace Timeline.StorageService.Storage.Postgres;

/// <summary>
/// The storage service's side of one PostgreSQL database: the pooled data source, the schema
/// (migrated at start under a lock), and what every call does when the database cannot answer:
/// UNAVAILABLE, never a hang or UNKNOWN, and the health check told. Health is the outcome of the
/// last database call of any kind; the live tail (<see cref="PostgresTail"/>) makes one every
/// <c>Storage:TailInterval</c>, so it is also the periodic probe that notices an outage when nobody
/// calls, and a success from it or anything else makes the instance SERVING again by itself.
/// </summary>
internal sealed class PostgresDatabase : IAsyncDisposable
{
    /// <summary>The connect and command timeout when the connection string sets none.</summary>
    public static readonly TimeSpan StalledAfter = TimeSpan.FromSeconds(5);

    private readonly TimeProvider time;
    private readonly ILogger<PostgresDatabase> logger;
    private readonly TimeSpan staleAfter;
    private readonly Lock gate = new();
    private volatile bool migrated;
    private DateTimeOffset lastSuccess;
    private string? failure;

    public PostgresDatabase(IOptions<PostgresStorageOptions> postgres, IOptions<StorageOptions> options, TimeProvider time, ILogger<PostgresDatabase> logger)
    {
        this.time = time;
        this.logger = logger;
        var settings = new NpgsqlConnectionStringBuilder(postgres.Value.ConnectionString);
        if (string.IsNullOrEmpty(settings.ApplicationName))
        {
            settings.ApplicationName = "timeline-storage";
        }

        // A stalled server (a paused host, a black-holed network) must not hold a call for long:
        // Npgsql's defaults wait 15 s to connect and 30 s for a command. Unless the connection
        // string says otherwise, 5 s each: every statement of the service takes milliseconds (the
        // migrations run without a limit), so past that the call is UNAVAILABLE.
        var given = new System.Data.Common.DbConnectionStringBuilder { ConnectionString = postgres.Value.ConnectionString };
        if (!given.ContainsKey("Timeout"))
        {
            settings.Timeout = (int)StalledAfter.TotalSeconds;
        }

        if (!given.ContainsKey("Command Timeout") && !given.ContainsKey("CommandTimeout"))
        {
            settings.CommandTimeout = (int)StalledAfter.TotalSeconds;
        }

        DataSource = NpgsqlDataSource.Create(settings);

        // List pages run on connections of their own, and each sets statement_timeout to
        // Storage:ReadTimeLimit in its first command (one round trip with the statement): the
        // server stops a list past it (SQLSTATE 57014, answered RESOURCE_EXHAUSTED). It is the
        // server's own clock, so a stalled server still meets the command timeout above
        // (UNAVAILABLE), not this. Not a startup option of the connection: Npgsql's loading of the
        // server's types when it opens its first connection would run under it too.
        ReadTimeLimit = options.Value.ReadTimeLimit;
        ListTimeout = FormattableString.Invariant($"SET statement_timeout = {Math.Max(1, (long)Math.Ceiling(ReadTimeLimit.TotalMilliseconds))}; ");
        ListSource = NpgsqlDataSource.Create(new NpgsqlConnectionStringBuilder(settings.ConnectionString) { ApplicationName = settings.ApplicationName + "-lists" });
        Description = $"PostgreSQL {PostgresStorageOptions.DescribeConnection(postgres.Value.ConnectionString)}";

        // A poll that neither succeeds nor fails (a hung connection) must not keep the last success alive for long.
        staleAfter = TimeSpan.FromSeconds(5) > postgres.Value.TailInterval * 3 ? TimeSpan.FromSeconds(5) : postgres.Value.TailInterval * 3;
    }

    public NpgsqlDataSource DataSource { get; }

    /// <summary>Connections for list pages only: <see cref="DataSource"/>'s settings, each list setting <see cref="ListTimeout"/> first.</summary>
    public NpgsqlDataSource ListSource { get; }

    /// <summary>The statement that puts a list connection's <c>statement_timeout</c> at <see cref="ReadTimeLimit"/>, to run ahead of the list's first statement.</summary>
    public string ListTimeout { get; }

    /// <summary><c>Storage:ReadTimeLimit</c>.</summary>
    public TimeSpan ReadTimeLimit { get; }

    /// <summary>Where the log is, for logs and health (no credentials).</summary>
    public string Description { get; }

    /// <summary>The health check's answer: healthy while the schema is migrated and the last database call succeeded recently.</summary>
    public (bool Healthy, string Description) Health
    {
        get
        {
            lock (gate)
            {
                if (!migrated)
                {
                    return (false, $"event log on {Description} not open");
                }

                if (failure is not null)
                {
                    return (false, $"{Description} unreachable: {failure}");
                }

                return time.GetUtcNow() - lastSuccess > staleAfter
                    ? (false, $"{Description} has not answered for {(time.GetUtcNow() - lastSuccess).TotalSeconds:0.#} s")
                    : (true, $"event log on {Description}");
            }
        }
    }

    /// <summary>Creates or migrates the schema (one instance at a time) and returns the head position.</summary>
    public async Task<LogPosition> MigrateAsync(CancellationToken cancellationToken)
    {
        try
        {
            await using var connection = await DataSource.OpenConnectionAsync(cancellationToken);
            await BootstrapAsync(connection, cancellationToken);
            var latest = PostgresSchema.Migrations[^1].Version;
            await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
            await connection.ExecuteAsync(new CommandDefinition(PostgresSchema.Lock, transaction: transaction, cancellationToken: cancellationToken));
            var version = await connection.ExecuteScalarAsync<int>(new CommandDefinition(PostgresSchema.Version, transaction: transaction, cancellationToken: cancellationToken));
            if (version > latest)
            {
                throw new InvalidOperationException($"The database {Description} has schema version {version}, newer than this build knows ({latest}). Use a newer build.");
            }

            foreach (var (number, name, sql) in PostgresSchema.Migrations.Where(m => m.Version > version))
            {
                await connection.ExecuteAsync(new CommandDefinition(sql, transaction: transaction, commandTimeout: 0, cancellationToken: cancellationToken));
                await connection.ExecuteAsync(new CommandDefinition(PostgresSchema.Record, new { Version = number, Name = name }, transaction, cancellationToken: cancellationToken));
                StorageLog.MigrationApplied(logger, number, name);
                version = number;
            }

            await transaction.CommitAsync(cancellationToken);
            var head = await connection.ExecuteScalarAsync<long>(new CommandDefinition(PostgresSql.Head, cancellationToken: cancellationToken));
            StorageLog.DatabaseOpened(logger, Description, version, head);
            migrated = true;
            Succeeded();
            return new LogPosition(head);
        }
        catch (Exception ex) when (IsDatabaseFailure(ex))
        {
            throw new InvalidOperationException($"Cannot open the event log on {Description}: {ex.Message}", ex);
        }
    }

    private static async Task BootstrapAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await connection.ExecuteAsync(new CommandDefinition(PostgresSchema.Bootstrap, cancellationToken: cancellationToken));
                return;
            }
            catch (PostgresException ex) when (attempt < 3 && ex.SqlState is PostgresErrorCodes.UniqueViolation or PostgresErrorCodes.DuplicateTable or PostgresErrorCodes.DuplicateObject)
            {
                // Another instance created the table at the same moment: it exists now.
            }
        }
    }

    /// <summary>Runs a read on a pooled connection; a broken pooled connection (the server restarted) is tried once more on a fresh one.</summary>
    /// <exception cref="ProblemException">UNAVAILABLE when the database cannot answer.</exception>
    public Task<T> ReadAsync<T>(Func<NpgsqlConnection, Task<T>> read, CancellationToken cancellationToken) => ReadAsync(DataSource, read, cancellationToken);

    /// <summary><see cref="ReadAsync{T}(Func{NpgsqlConnection, Task{T}}, CancellationToken)"/> on a connection of <paramref name="source"/>.</summary>
    /// <exception cref="ProblemException">UNAVAILABLE when the database cannot answer.</exception>
    public async Task<T> ReadAsync<T>(NpgsqlDataSource source, Func<NpgsqlConnection, Task<T>> read, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await using var connection = await source.OpenConnectionAsync(cancellationToken);
                var result = await read(connection);
                Succeeded();
                return result;
            }
            catch (Exception ex) when (IsDatabaseFailure(ex) && !cancellationToken.IsCancellationRequested)
            {
                var problem = Failed(ex);
                if (attempt > 1 || !IsConnectionFailure(ex))
                {
                    throw problem;
                }
            }
        }
    }

    /// <summary>A database call succeeded: the instance can serve.</summary>
    public void Succeeded()
    {
        bool recovered;
        lock (gate)
        {
            recovered = failure is not null;
            failure = null;
            lastSuccess = time.GetUtcNow();
        }

        if (recovered)
        {
            StorageLog.DatabaseReachable(logger, Description);
        }
    }

    /// <summary>
    /// A database call failed: health says so until the next success, a broken connection empties
    /// the pool (the others are likely broken too), and the caller gets UNAVAILABLE.
    /// </summary>
    public ProblemException Failed(Exception ex)
    {
        bool first;
        lock (gate)
        {
            first = failure is null;
            failure = ex.Message;
        }

        if (first)
        {
            StorageLog.DatabaseUnreachable(logger, ex, Description);
        }

        if (IsConnectionFailure(ex))
        {
            DataSource.Clear();
            ListSource.Clear();
        }

        return new ProblemException(ProblemKind.Unavailable, "STORAGE_UNAVAILABLE", "the event log's database cannot be reached; retry later");
    }

    /// <summary>Anything that means the database did not answer as asked (as opposed to a refusal of the request).</summary>
    public static bool IsDatabaseFailure(Exception ex) => ex is NpgsqlException or IOException or SocketException or TimeoutException;

    /// <summary>The connection itself is gone or refused (server stopped, restarting, network): nothing is known to have run.</summary>
    public static bool IsConnectionFailure(Exception ex) => ex switch
    {
        PostgresException pg => pg.SqlState.StartsWith("08", StringComparison.Ordinal) ||
            pg.SqlState is PostgresErrorCodes.AdminShutdown or PostgresErrorCodes.CrashShutdown or PostgresErrorCodes.CannotConnectNow,
        NpgsqlException npgsql => npgsql.InnerException is IOException or SocketException or TimeoutException || npgsql.IsTransient,
        _ => ex is IOException or SocketException,
    };

    public async ValueTask DisposeAsync()
    {
        await ListSource.DisposeAsync();
        await DataSource.DisposeAsync();
    }
}
