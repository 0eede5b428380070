//! A small LMTP client (RFC 2033 over RFC 5321 syntax): LHLO, then per message MAIL FROM,
//! RCPT TO, DATA with dot-stuffing (RFC 5321 §4.5.2), one reply per recipient after the
//! final dot (RFC 2033 §4.2).

use anyhow::{Context, bail};
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader, ReadHalf, WriteHalf};

use crate::client::{Stream, connect};

pub struct Lmtp {
    r: BufReader<ReadHalf<Box<dyn Stream>>>,
    w: WriteHalf<Box<dyn Stream>>,
}

impl Lmtp {
    pub async fn connect(addr: &str) -> anyhow::Result<Lmtp> {
        let stream = connect(addr, false).await?;
        let (r, w) = tokio::io::split(stream);
        let mut c = Lmtp {
            r: BufReader::new(r),
            w,
        };
        c.expect(220).await.context("LMTP greeting")?;
        c.w.write_all(b"LHLO bench.example\r\n").await?;
        c.expect(250).await.context("LHLO")?;
        Ok(c)
    }

    /// Read one (possibly multi-line) reply and return its code.
    async fn reply(&mut self) -> anyhow::Result<(u16, String)> {
        let mut text = String::new();
        loop {
            let mut line = String::new();
            if self.r.read_line(&mut line).await? == 0 {
                bail!("LMTP connection closed");
            }
            let code: u16 = line
                .get(..3)
                .and_then(|c| c.parse().ok())
                .context("LMTP reply code")?;
            text.push_str(&line);
            if line.as_bytes().get(3) != Some(&b'-') {
                return Ok((code, text));
            }
        }
    }

    async fn expect(&mut self, code: u16) -> anyhow::Result<()> {
        let (got, text) = self.reply().await?;
        if got != code {
            bail!("expected {code}, got {}", text.trim_end());
        }
        Ok(())
    }

    /// Deliver one message to one recipient; Ok when the server said 250 for it, which
    /// for LMTP means the message is stored (RFC 2033 §4.2).
    pub async fn deliver(&mut self, from: &str, to: &str, message: &[u8]) -> anyhow::Result<()> {
        self.w
            .write_all(format!("MAIL FROM:<{from}>\r\n").as_bytes())
            .await?;
        self.expect(250).await.context("MAIL FROM")?;
        self.w
            .write_all(format!("RCPT TO:<{to}>\r\n").as_bytes())
            .await?;
        self.expect(250).await.context("RCPT TO")?;
        self.w.write_all(b"DATA\r\n").await?;
        self.expect(354).await.context("DATA")?;
        let mut data = Vec::with_capacity(message.len() + 64);
        for line in message.split_inclusive(|&b| b == b'\n') {
            if line.starts_with(b".") {
                data.push(b'.');
            }
            data.extend_from_slice(line);
        }
        if !data.ends_with(b"\r\n") {
            data.extend_from_slice(b"\r\n");
        }
        data.extend_from_slice(b".\r\n");
        self.w.write_all(&data).await?;
        self.w.flush().await?;
        self.expect(250).await.context("delivery")?;
        Ok(())
    }

    pub async fn quit(mut self) {
        let _ = self.w.write_all(b"QUIT\r\n").await;
        let _ = self.reply().await;
    }
}
