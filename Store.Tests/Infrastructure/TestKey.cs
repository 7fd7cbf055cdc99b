using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Store.Tests.Infrastructure;

/// <summary>How a token names its user: the seed's <c>sub</c>, or the string <c>id</c> of today's CL auth service (contract section 8).</summary>
public enum TokenShape { Sub, Id }

/// <summary>
/// An ES256 key pair made at test time, standing in for the CL auth service: it writes its public
/// key PEM where the store looks for it, mints tokens the way the auth service does, and signs
/// hand-made header/payload pairs for the attack tests.
/// </summary>
public sealed class TestKey : IDisposable
{
    public ECDsa Ecdsa { get; }

    TestKey(ECDsa ecdsa) => Ecdsa = ecdsa;

    public static TestKey Create(ECCurve? curve = null) => new(ECDsa.Create(curve ?? ECCurve.NamedCurves.nistP256));

    public string PublicPem => Ecdsa.ExportSubjectPublicKeyInfoPem();

    public void WritePublicKey(string path)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, PublicPem);
    }

    /// <summary>A token as the auth service issues it: sub (or id), permissions, is_admin, exp (and iat/nbf), ES256.</summary>
    public string Token(string sub = "user-1", string[]? permissions = null, bool isAdmin = false, TimeSpan? lifetime = null,
        TokenShape shape = TokenShape.Sub)
    {
        var now = DateTime.UtcNow;
        var descriptor = new SecurityTokenDescriptor
        {
            Claims = new Dictionary<string, object>
            {
                [shape == TokenShape.Sub ? "sub" : "id"] = sub,
                ["permissions"] = permissions ?? [],
                ["is_admin"] = isAdmin,
            },
            IssuedAt = now,
            NotBefore = now,
            Expires = now + (lifetime ?? TimeSpan.FromMinutes(30)),
            SigningCredentials = new SigningCredentials(new ECDsaSecurityKey(Ecdsa), SecurityAlgorithms.EcdsaSha256),
        };
        return new JsonWebTokenHandler().CreateToken(descriptor);
    }

    /// <summary>Signs exactly the given header and payload (raw R||S, as JWS wants): no library decides anything.</summary>
    public string SignByHand(object header, object payload)
    {
        var signingInput = $"{B64(header)}.{B64(payload)}";
        var signature = Ecdsa.SignData(Encoding.ASCII.GetBytes(signingInput), HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);
        return $"{signingInput}.{Base64Url(signature)}";
    }

    public static string B64(object part) => Base64Url(part as byte[] ?? Encoding.UTF8.GetBytes(part as string ?? JsonSerializer.Serialize(part)));

    public static string Base64Url(byte[] bytes) => Base64UrlEncoder.Encode(bytes);

    public static long Epoch(TimeSpan fromNow) => DateTimeOffset.UtcNow.Add(fromNow).ToUnixTimeSeconds();

    public void Dispose() => Ecdsa.Dispose();
}
