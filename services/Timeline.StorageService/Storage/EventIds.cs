using System.Security.Cryptography;

namespace Timeline.StorageService.Storage;

/// <summary>
/// ULIDs for events a writer sent without an id (the Ulid package): the injected clock's
/// milliseconds, then 80 bits from the system's cryptographic generator, so ids sort by the time
/// they were given and cannot be guessed.
/// </summary>
internal sealed class EventIds(TimeProvider time)
{
    public string Next()
    {
        Span<byte> randomness = stackalloc byte[10];
        RandomNumberGenerator.Fill(randomness);
        return Ulid.NewUlid(time.GetUtcNow(), randomness).ToString();
    }
}
