package dev.agentguard.examples.supportbot;

/** In-memory stand-ins for the ticket system, webhooks and mail relay. */
final class FakeBackends {
  private FakeBackends() {}

  static final class Tickets implements TicketTools {
    @Override
    public String read(String ticketId) {
      return "ticket " + ticketId + ": 'printer on fire', customer C-42";
    }

    @Override
    public String customer(String customerId) {
      return "customer " + customerId + ": Jane Roe, IBAN on file";
    }

    @Override
    public String exportCrm() {
      return "every customer";
    }
  }

  static final class Messaging implements MessagingTools {
    @Override
    public String post(String url, String body) {
      return "202 Accepted from " + url;
    }

    @Override
    public String email(String relay, String to, String text) {
      return "queued for " + to + " via " + relay;
    }
  }
}
