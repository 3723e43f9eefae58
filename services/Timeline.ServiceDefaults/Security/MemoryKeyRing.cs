using System.Xml.Linq;
using Microsoft.AspNetCore.DataProtection.Repositories;
using Microsoft.AspNetCore.DataProtection.XmlEncryption;

namespace Timeline.ServiceDefaults.Security;

/// <summary>
/// The services' data protection key ring, kept in memory. Authentication brings ASP.NET Core data
/// protection, which would write a key ring under ~/.aspnet on first start and warn that it is
/// unencrypted; nothing in the services protects data with it (tokens are bearer tokens checked
/// against hashes, there are no cookies), so its keys never need to outlive the process and
/// nothing is written to disk or needs encrypting at rest.
/// </summary>
internal sealed class MemoryKeyRing : IXmlRepository, IXmlEncryptor, IXmlDecryptor
{
    private readonly List<XElement> elements = [];

    public IReadOnlyCollection<XElement> GetAllElements()
    {
        lock (elements)
        {
            return [.. elements.Select(e => new XElement(e))];
        }
    }

    public void StoreElement(XElement element, string friendlyName)
    {
        lock (elements)
        {
            elements.Add(new XElement(element));
        }
    }

    public EncryptedXmlInfo Encrypt(XElement plaintextElement) => new(new XElement(plaintextElement), typeof(MemoryKeyRing));

    public XElement Decrypt(XElement encryptedElement) => new(encryptedElement);
}
