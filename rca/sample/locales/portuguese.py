"""Brazilian Portuguese as users write to support: informal (``vc``, ``pq``, ``tá``, ``nao``)."""

from __future__ import annotations

from rca.sample.locales.base import Locale

__all__ = ["PORTUGUESE"]

PORTUGUESE = Locale(
    code="pt",
    agent_refs=(
        "o atendente",
        "a atendente",
        "o suporte",
        "vcs",
        "o cara do chat",
        "a moça do chat",
    ),
    durations=("2 dias", "3 dias", "uma semana", "duas semanas", "5 horas", "ontem", "um mês"),
    feedback={
        "praise": (
            "[muito obrigado|muito obrigada|valeu demais|obrigadão] [pela ajuda|pela paciência|]",
            "{agent_ref} foi [super atencioso|muito educada|rápido demais|muito prestativo]",
            "[resolveram|resolvido] [em minutos|no primeiro contato|rapidinho]",
            "[atendimento|suporte] [nota 10|excelente|top demais]",
            "[finalmente|enfim] [recuperei minha conta|alguém que entende|uma resposta de verdade]",
            "resposta [rápida|clara] e [educada|simpática]",
        ),
        "complaint about agent": (
            "{agent_ref} foi [grosso|grossa|mal educado|inútil|sem paciência]",
            "[resposta|respostas] [copia e cola|automática|de robô], nem leu o que eu escrevi",
            "{agent_ref} só manda [esperar|reinstalar o app|fazer a mesma coisa]",
            "ninguém [lê|entende] [minha mensagem|o que eu escrevo]",
            "fecharam meu [chamado|ticket] sem resolver [nada|o problema]",
            "esperei {days} [pra nada|e só mandaram esperar mais]",
            "{agent_ref} [saiu do chat|encerrou o chat] [do nada|no meio da conversa]",
        ),
        "account issue": (
            "[não|nao] consigo [entrar|acessar] minha conta [faz|há] {days}",
            "minha conta foi [hackeada|invadida][, me ajudem|, e ninguém ajuda|]",
            "alguém trocou [meu email|minha senha|meu telefone][ e não consigo recuperar|]",
            "pedem pra verificar [toda hora|de novo] mas não explicam como",
            "conta [suspensa|bloqueada|desativada] sem motivo",
            "o link de [recuperação|redefinir senha] [não funciona|nunca chega]",
        ),
        "payment issue": (
            "[reembolso|saque|pagamento] [ainda não caiu|não chegou] [depois de|faz] {days}",
            "cobraram [duas vezes|2x] pelo mesmo [pedido|plano]",
            "cadê meu [dinheiro|reembolso][??|?|]",
            "[saque|pagamento do creator fund] [retido|pendente|travado] [faz|há] {days}",
            "[assinatura|plano] renovou depois que eu cancelei",
        ),
        "policy question": (
            "pq [meu vídeo|meu post|minha live|minha conta] foi [removido|derrubado|restringido]",
            "qual regra eu [quebrei|violei][?|]",
            "pode fazer [sorteio|vídeo react|cover de música][?|]",
            "as regras de vcs são [confusas|inconsistentes|nada claras]",
            "quanto tempo demora [o recurso|a análise][?|]",
        ),
        "bug": (
            "o app [fica travando|fecha sozinho] quando [abro as mensagens|faço upload|entro ao "
            "vivo]",
            "a tela fica [branca|em branco] [depois da atualização|do nada]",
            "[comentários|curtidas|mensagens] [não carregam|somem|não enviam] [faz "
            "{days}|ultimamente|]",
            "[a busca|os filtros] [quebrou|não funciona] [de novo|]",
        ),
        "other": (
            "[nada a declarar|sem comentários|tudo certo]",
            "pq essa pesquisa é tão [longa|chata]",
            "[coloquem|adicionem] [app pra desktop|mais idiomas]",
            "[pessoa|pesquisa] errada [acho|]",
        ),
        "KI-2041": (
            "botão de [saque|payout] some no dark mode",
            "no dark mode [não dá pra ver|não aparece] o botão de [saque|withdraw]",
        ),
        "KI-2057": (
            "upload do vídeo [trava|fica parado] em 99%",
            "[todo|cada] upload trava em 99%[, tenho que começar de novo|]",
        ),
        "KI-2063": (
            "notificações chegando [horas depois|atrasadas] no android",
            "[nenhuma|zero] notificação no android [até abrir o app|por horas]",
        ),
    },
    extras=(
        (
            "[5 estrelas|nota 10|recomendo]",
            "[continuem assim|parabéns pelo trabalho]",
            "[valeu de novo|obrigado mais uma vez]",
            "tava preocupado mas [agora tá tudo certo|já resolveu]",
        ),
        (
            "[que absurdo|que palhaçada|ridículo]",
            "[arrumem isso|resolvam logo|consertem] [pelo amor de deus|urgente|]",
            "vou [apagar o app|cancelar|trocar de app]",
            "[pior|mais inútil] [app|atendimento] [que já usei|do mundo]",
            "uso isso [pra trabalhar|no meu negócio|todo dia]",
            "já [abri chamado|mandei email] [duas vezes|3 vezes]",
        ),
    ),
    pii={
        "email": ("[podem me chamar|me respondam] no {pii}", "meu email é {pii}"),
        "phone": ("meu [zap|whats|celular] é {pii}", "[me liguem|chama] no {pii}"),
    },
    audit={
        "incorrect resolution": (
            "agente deu a resolução errada",
            "caso encerrado mas o problema do cliente [não foi resolvido|continua]",
            "resposta não bate com o que o cliente pediu",
        ),
        "policy misapplication": (
            "aplicou a [política|SOP] errada para {policy}",
            "política de {policy} [mal aplicada|não seguida]",
        ),
        "tone": (
            "tom [seco|frio|robótico]",
            "faltou empatia [com o cliente irritado|]",
        ),
        "missed verification": (
            "agente não verificou a [identidade|titularidade da conta] antes de [resetar a "
            "senha|trocar o email|desbloquear a conta]",
            "pulou a [verificação|checagem de ID|KBA]",
            "[nenhuma|sem] verificação [registrada|nas notas]",
        ),
        "incomplete notes": (
            "notas [incompletas|vazias|muito curtas]",
            "[sem|faltou] [resumo|próximos passos] no ticket",
        ),
        "wrong macro": (
            "usou a macro errada [pra esse caso|]",
            "macro {macro} não se aplica a esse caso",
            "copiou a [macro|template] sem editar",
        ),
        "escalation missed": (
            "deveria ter escalado para [T2|o time de safety|L2]",
            "não escalou mesmo com [red flag|sinal de risco]",
        ),
        "stale": (
            "a macro {macro} [está desatualizada|não foi atualizada] depois da mudança de "
            "política do mês {update_month_no}",
            "o [template|texto padrão] ainda passa os passos antigos pro cliente",
            "cliente foi orientado a usar um [email|canal] que foi desativado no mês "
            "{update_month_no}",
            "o link da [resposta|mensagem padrão] [não funciona mais|está quebrado]",
            "[não é culpa do agente|problema sistêmico], {macro} precisa ser atualizada",
            "a resposta não bate com a política nova desde o mês {update_month_no}",
            "o agente seguiu o [template|roteiro] à risca, mas a informação mudou",
        ),
        "stale_more": (
            "já [reportado|sinalizado] para o [time de KB|time de conteúdo|dono da macro]",
            "não usar {macro} até ser corrigida",
            "mesmo problema em casos de outros agentes esta semana",
        ),
        "cohort": (
            "agente ainda [em nesting|novato|recém-contratado]",
            "mesmo erro em outros novatos [da turma do mês {cohort_month_no}|]",
            "parece que o treinamento não cobriu bem a verificação",
        ),
        "reco": (
            "[revisar|reler] [o SOP|o artigo da KB]",
            "coaching sobre [verificação|empatia|escolha de macro]",
            "alinhar com o TL no próximo 1:1",
        ),
        "positive": (
            "[ótima empatia|tom muito bom|mandou bem]",
            "resolveu no primeiro contato",
            "notas [completas|claras]",
            "verificou a identidade [corretamente|antes de mexer na conta]",
            "[sem apontamentos|nada a apontar], [muito bem|parabéns]",
        ),
    },
)
