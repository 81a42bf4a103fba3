"""Certificates (giấy chứng nhận) anyone can verify (issue 9 point 6).

- models.py: ``Certificate`` (one per round and member, an unguessable code) and the contest's
  ``CertificateSettings`` (its HTML template, the signer, the signature or seal image);
- rules.py: the code, the sandboxed template, the image check — plain functions;
- render.py: the certificate's HTML (with its QR code of ``/verify/<code>``) and the PDFs;
- service.py: who gets one (``recipients``), issuing them as a background job (``issue_job``),
  revoking one (audited ``certificate.revoke``).
"""
