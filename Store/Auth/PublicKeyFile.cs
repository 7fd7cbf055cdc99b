using System.Security.Cryptography;
using Microsoft.IdentityModel.Tokens;

namespace Store.Auth;

/// <summary>The verification key, or why there is none; <see cref="Problem"/> names the file.</summary>
public sealed record PublicKeyState(SecurityKey? Key, string? Problem);

/// <summary>
/// The ES256 public key at PUBLIC_KEY_PATH, re-read whenever the file appears, changes or goes away,
/// so a key put in place (or rotated) while the service runs is used at once, without a restart.
/// Each look is a stat; the file is read again only when its size or time changed, or while its
/// time is so recent that a second write within the same timestamp tick could have gone unseen.
/// </summary>
public sealed class PublicKeyFile(AuthOptions options, ILogger<PublicKeyFile> log)
{
    /// <summary>File times tick coarsely (a few ms); a read this close to the file's time is not trusted to be the last.</summary>
    static readonly TimeSpan RacyWindow = TimeSpan.FromSeconds(2);
    const string P256Oid = "1.2.840.10045.3.1.7";

    sealed record Snapshot(DateTime WrittenAt, long Length, DateTime ReadAt, byte[] Bytes, PublicKeyState State);

    readonly string _path = options.PublicKeyPath;
    volatile Snapshot? _snapshot;

    public string Path => _path;

    public PublicKeyState Current()
    {
        var info = new FileInfo(_path);
        if (!info.Exists) return Missing();
        var seen = _snapshot;
        if (seen is not null && seen.WrittenAt == info.LastWriteTimeUtc && seen.Length == info.Length
            && seen.ReadAt - seen.WrittenAt > RacyWindow)
            return seen.State;

        byte[] bytes;
        var readAt = DateTime.UtcNow;
        try { bytes = File.ReadAllBytes(_path); }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException) { return Missing(); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return new PublicKeyState(null, $"The public key file {_path} cannot be read ({e.Message}); tokens cannot be verified");
        }

        var state = seen is not null && seen.Bytes.AsSpan().SequenceEqual(bytes) ? seen.State : Parse(bytes);
        _snapshot = new Snapshot(info.LastWriteTimeUtc, info.Length, readAt, bytes, state);
        return state;
    }

    PublicKeyState Missing()
    {
        _snapshot = null;
        return new PublicKeyState(null, $"The public key file {_path} is missing; tokens cannot be verified until it is in place (PUBLIC_KEY_PATH)");
    }

    PublicKeyState Parse(byte[] bytes)
    {
        try
        {
            using var imported = ECDsa.Create();
            imported.ImportFromPem(System.Text.Encoding.UTF8.GetString(bytes));
            // Only the public half is kept, even if someone put a private key PEM there by mistake.
            var parameters = imported.ExportParameters(includePrivateParameters: false);
            if (!IsP256(parameters.Curve))
                return Invalid("holds an EC key that is not on curve P-256, which ES256 needs");
            log.LogInformation("Loaded the token verification key from {Path}", _path);
            return new PublicKeyState(new ECDsaSecurityKey(ECDsa.Create(parameters)), null);
        }
        catch (Exception e) when (e is ArgumentException or CryptographicException)
        {
            return Invalid("is not an EC public key in PEM form");
        }
    }

    static bool IsP256(ECCurve curve) =>
        curve.IsNamed && (curve.Oid.Value == P256Oid || curve.Oid.FriendlyName is "nistP256" or "ECDSA_P256" or "secp256r1" or "prime256v1");

    PublicKeyState Invalid(string why)
    {
        log.LogWarning("The public key file {Path} {Why}", _path, why);
        return new PublicKeyState(null, $"The public key file {_path} {why}; tokens cannot be verified");
    }
}
